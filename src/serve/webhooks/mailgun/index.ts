import { createHmac, timingSafeEqual } from 'node:crypto';
import { WEBHOOK_TOLERANCE_S } from '../../webhook-signature.js';
import { NOT_JSON, at, detailOf, epochDate, isRecord, parseJson, text } from '../json.js';
import type { ProviderEvent, Verifier, WebhookProvider } from '../types.js';

/**
 * Mailgun's webhooks (documentation.mailgun.com, Tracking Messages: Webhooks, Securing Webhooks):
 * one event a call, `{ "signature": { timestamp, token, signature }, "event-data": { … } }`, the
 * signature being the hex HMAC-SHA256 of `timestamp + token` with the HTTP webhook signing key.
 * It does not cover `event-data`: only TLS and the one-use token stop a captured call from being
 * altered, hence the replay memory.
 */
export const mailgun: WebhookProvider = {
  name: 'mailgun',
  keyVariable: 'RELANCE_MAILGUN_SIGNING_KEY',
  key: (deps) => deps.mailgunSigningKey,
  verifier: (key) => verifier(key),
  items: (body, now) => {
    const data = at(body, 'event-data');
    if (!isRecord(data)) return 'the body has no "event-data" object';
    const event = eventOf(data, now);
    return [typeof event === 'string' ? { skip: event } : { event }];
  },
};

const HEX_64 = /^[0-9a-fA-F]{64}$/;

function verifier(key: string): Verifier {
  return ({ raw, now }) => {
    // The signature is inside the body: it has to be parsed first.
    const body = parseJson(raw);
    if (body === NOT_JSON) return { ok: false, status: 400, code: 'BAD_REQUEST', message: 'the body is not JSON' };
    const timestamp = text(at(body, 'signature', 'timestamp'));
    const token = at(body, 'signature', 'token');
    const signature = at(body, 'signature', 'signature');
    // A subaccount's event is also signed with the primary account's key: either key will do.
    const parent = at(body, 'signature', 'parent-signature');
    if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) return bad('signature.timestamp must be epoch seconds');
    if (typeof token !== 'string' || token.length === 0 || token.length > 256) return bad('signature.token is missing');
    if (typeof signature !== 'string' || !HEX_64.test(signature)) return bad('signature.signature must be 64 hex digits');
    const expected = createHmac('sha256', key).update(timestamp + token).digest();
    const matches = (given: unknown) => typeof given === 'string' && HEX_64.test(given) && timingSafeEqual(Buffer.from(given, 'hex'), expected);
    if (!matches(signature) && !matches(parent)) return bad('the signature does not match: is RELANCE_MAILGUN_SIGNING_KEY the HTTP webhook signing key?');
    // Only a holder of the key learns that a call was stale.
    if (Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp)) > WEBHOOK_TOLERANCE_S) {
      return { ok: false, status: 401, code: 'STALE', message: `the timestamp is more than ${WEBHOOK_TOLERANCE_S} seconds away from the server's clock` };
    }
    // The HMAC names the call (timestamp and token): a signature in capitals is the same one.
    return { ok: true, replayKey: expected.toString('hex'), body };
  };
}

function bad(message: string): { ok: false; status: 401; code: 'BAD_SIGNATURE'; message: string } {
  return { ok: false, status: 401, code: 'BAD_SIGNATURE', message };
}

/**
 * Mailgun's `failed` with `severity: permanent` is a hard bounce, unless Mailgun refused to send
 * because of its own suppression lists (`reason: suppress-unsubscribe`, `suppress-complaint`):
 * then it is what put the address there.
 */
const PERMANENT_REASONS: Readonly<Record<string, ProviderEvent['type']>> = {
  'suppress-unsubscribe': 'unsubscribed',
  'suppress-complaint': 'complained',
};

/** A Mailgun event as relance's, or why it is skipped (`accepted`, `rejected`, `stored`: nothing of the recipient's). */
function eventOf(data: Record<string, unknown>, now: Date): ProviderEvent | string {
  const name = text(at(data, 'event')) ?? '';
  const email = text(at(data, 'recipient'));
  if (email === undefined) return `a ${name || 'nameless'} event without a recipient`;
  const base = {
    email,
    messageId: text(at(data, 'message', 'headers', 'message-id')),
    at: epochDate(at(data, 'timestamp'), now),
  };
  const detail = (more: Record<string, unknown> = {}) => detailOf({ provider: 'mailgun', event: name, id: at(data, 'id'), ...more });
  switch (name) {
    case 'delivered':
      return { ...base, type: 'delivered', detail: detail() };
    case 'failed': {
      const severity = text(at(data, 'severity'));
      const reason = text(at(data, 'reason'));
      const status = {
        severity, reason,
        code: at(data, 'delivery-status', 'code'),
        message: text(at(data, 'delivery-status', 'description')) || text(at(data, 'delivery-status', 'message')),
      };
      if (severity === 'permanent') return { ...base, type: (reason && PERMANENT_REASONS[reason]) || 'bounced', detail: detail(status) };
      if (severity === 'temporary') return { ...base, type: 'soft-bounced', detail: detail(status) };
      return `a failed event of severity "${severity ?? ''}"`;
    }
    case 'complained':
      return { ...base, type: 'complained', detail: detail() };
    case 'unsubscribed':
      return { ...base, type: 'unsubscribed', detail: detail() };
    case 'opened':
    case 'clicked': {
      // client-info.bot (Open and Click Bot Detection): apple (Mail Privacy Protection), gmail, generic; empty: a person.
      const bot = text(at(data, 'client-info', 'bot'));
      return {
        ...base,
        type: name,
        botReason: bot ? (bot === 'apple' ? 'apple-privacy-proxy' : `mailgun-${bot.slice(0, 20)}`) : undefined,
        userAgent: text(at(data, 'client-info', 'user-agent')),
        ip: text(at(data, 'ip')),
        detail: detail(),
      };
    }
    default:
      return `a ${name || 'nameless'} event`;
  }
}
