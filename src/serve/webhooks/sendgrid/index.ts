import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { WEBHOOK_TOLERANCE_S } from '../../webhook-signature.js';
import { NOT_JSON, at, detailOf, epochDate, isRecord, parseJson, text } from '../json.js';
import type { ProviderEvent, ProviderItem, Verifier, WebhookProvider } from '../types.js';

const SIGNATURE = 'x-twilio-email-event-webhook-signature';
const TIMESTAMP = 'x-twilio-email-event-webhook-timestamp';

/**
 * SendGrid's signed Event Webhook (twilio.com/docs/sendgrid, Event Webhook security features):
 * `X-Twilio-Email-Event-Webhook-Signature` is a base64 DER ECDSA P-256/SHA-256 signature of
 * `X-Twilio-Email-Event-Webhook-Timestamp` followed by the raw body, checked with the
 * verification key of SendGrid's settings page. The body is a JSON array of events.
 */
export const sendgrid: WebhookProvider = {
  name: 'sendgrid',
  keyVariable: 'RELANCE_SENDGRID_PUBLIC_KEY',
  key: (deps) => deps.sendgridPublicKey,
  verifier: (key) => {
    const publicKey = readPublicKey(key);
    return typeof publicKey === 'string' ? publicKey : verifier(publicKey);
  },
  items: (body, now) => {
    if (!Array.isArray(body)) return 'the body must be a JSON array of events';
    return body.map((raw): ProviderItem => {
      const event = isRecord(raw) ? eventOf(raw, now) : 'an event that is not an object';
      return typeof event === 'string' ? { skip: event } : { event };
    });
  },
};

/** The key as SendGrid shows it (base64 of the DER SubjectPublicKeyInfo), or PEM; an EC P-256 key, else why not. */
export function readPublicKey(key: string): KeyObject | string {
  try {
    const trimmed = key.trim();
    const publicKey = trimmed.includes('-----BEGIN')
      ? createPublicKey(trimmed)
      : createPublicKey({ key: Buffer.from(trimmed.replace(/\s+/g, ''), 'base64'), format: 'der', type: 'spki' });
    if (publicKey.asymmetricKeyType !== 'ec' || publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      return 'RELANCE_SENDGRID_PUBLIC_KEY is not an ECDSA P-256 public key';
    }
    return publicKey;
  } catch {
    return 'RELANCE_SENDGRID_PUBLIC_KEY is not a public key (base64 DER, as SendGrid shows it, or PEM)';
  }
}

function verifier(key: KeyObject): Verifier {
  return ({ headers, raw, now }) => {
    const timestamp = headers[TIMESTAMP];
    const signature = headers[SIGNATURE];
    if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return bad('X-Twilio-Email-Event-Webhook-Timestamp must be epoch seconds');
    if (typeof signature !== 'string' || !/^[A-Za-z0-9+/]{16,200}={0,2}$/.test(signature)) return bad('X-Twilio-Email-Event-Webhook-Signature must be a base64 signature');
    const signed = Buffer.concat([Buffer.from(timestamp, 'utf8'), raw]);
    let valid = false;
    try {
      valid = verify('sha256', signed, { key, dsaEncoding: 'der' }, Buffer.from(signature, 'base64'));
    } catch {
      valid = false; // a signature that is no DER at all
    }
    if (!valid) return bad('the signature does not match: is RELANCE_SENDGRID_PUBLIC_KEY the verification key of this webhook?');
    if (Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp)) > WEBHOOK_TOLERANCE_S) {
      return { ok: false, status: 401, code: 'STALE', message: `the timestamp is more than ${WEBHOOK_TOLERANCE_S} seconds away from the server's clock` };
    }
    const body = parseJson(raw);
    if (body === NOT_JSON) return { ok: false, status: 400, code: 'BAD_REQUEST', message: 'the body is not JSON' };
    // What was signed, not the signature: an ECDSA signature is malleable (another valid one for
    // the same bytes can be made without the key), so it cannot name the call.
    return { ok: true, replayKey: createHash('sha256').update(signed).digest('hex'), body };
  };
}

function bad(message: string): { ok: false; status: 401; code: 'BAD_SIGNATURE'; message: string } {
  return { ok: false, status: 401, code: 'BAD_SIGNATURE', message };
}

/**
 * A `dropped` email was never sent: when SendGrid dropped it for its own suppression lists, it
 * is what put the address there. Any other drop (`Invalid`, `Spam Content`, quotas…) is logged as
 * `unmatched`: it says nothing of the recipient, suppresses nothing, and shows in the report.
 */
const DROP_REASONS: Readonly<Record<string, ProviderEvent['type']>> = {
  'Bounced Address': 'bounced',
  'Unsubscribed Address': 'unsubscribed',
  'Spam Reporting Address': 'complained',
};

/** A SendGrid event as relance's, or why it is skipped (`processed`, `group_resubscribe`…). */
function eventOf(data: Record<string, unknown>, now: Date): ProviderEvent | string {
  const name = text(at(data, 'event')) ?? '';
  const email = text(at(data, 'email'));
  if (email === undefined) return `a ${name || 'nameless'} event without an email`;
  // smtp-id: the Message-ID of an SMTP relay send; SendGrid gives it with the delivery events only.
  const base = { email, messageId: text(at(data, 'smtp-id')), at: epochDate(at(data, 'timestamp'), now) };
  const detail = (more: Record<string, unknown> = {}) => detailOf({ provider: 'sendgrid', event: name, id: at(data, 'sg_event_id'), ...more });
  switch (name) {
    case 'delivered':
      return { ...base, type: 'delivered', detail: detail() };
    case 'bounce': {
      // type `blocked`: the receiving server refused this one email (reputation, content): temporary.
      const kind = text(at(data, 'type'));
      const more = { type: kind, classification: at(data, 'bounce_classification'), status: at(data, 'status'), reason: at(data, 'reason') };
      return { ...base, type: kind === 'blocked' ? 'soft-bounced' : 'bounced', detail: detail(more) };
    }
    case 'dropped': {
      const reason = text(at(data, 'reason')) ?? '';
      return { ...base, type: DROP_REASONS[reason] ?? 'unmatched', detail: detail({ reason }) };
    }
    case 'deferred':
      return { ...base, type: 'soft-bounced', detail: detail({ attempt: at(data, 'attempt'), reason: at(data, 'response') }) };
    case 'spamreport':
      return { ...base, type: 'complained', detail: detail() };
    case 'unsubscribe':
    case 'group_unsubscribe':
      return { ...base, type: 'unsubscribed', detail: detail({ group: at(data, 'asm_group_id') }) };
    case 'open':
    case 'click':
      return {
        ...base,
        type: name === 'open' ? 'opened' : 'clicked',
        // sg_machine_open: SendGrid saw the open come from a machine (Apple Mail Privacy Protection's proxy).
        botReason: name === 'open' && at(data, 'sg_machine_open') === true ? 'apple-privacy-proxy' : undefined,
        userAgent: text(at(data, 'useragent')),
        ip: text(at(data, 'ip')),
        detail: detail(),
      };
    default:
      return `a ${name || 'nameless'} event`;
  }
}
