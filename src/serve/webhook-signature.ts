import { createHmac, timingSafeEqual } from 'node:crypto';

/** How far a webhook's timestamp may be from our clock, either way (seconds). */
export const WEBHOOK_TOLERANCE_S = 300;

export type SignatureCheck = { ok: true; signature: string } | { ok: false; code: 'BAD_SIGNATURE' | 'STALE'; message: string };

/** The signature header's value for a body: `sha256=<hex HMAC-SHA256(secret, timestamp + "." + body)>`. */
export function signWebhook(secret: string, timestamp: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/**
 * Checks `X-Relance-Timestamp` and `X-Relance-Signature` over the raw body bytes (a re-serialised
 * JSON would not be what the sender signed). The signature is compared in constant time, before
 * the timestamp is looked at, so only a holder of the secret learns that a request was stale.
 */
export function checkWebhookSignature(secret: string, timestamp: unknown, signature: unknown, body: Buffer, now: Date): SignatureCheck {
  if (typeof timestamp !== 'string' || !/^\d{1,12}$/.test(timestamp)) return { ok: false, code: 'BAD_SIGNATURE', message: 'X-Relance-Timestamp must be epoch seconds' };
  if (typeof signature !== 'string' || !/^sha256=[0-9a-fA-F]{64}$/.test(signature)) return { ok: false, code: 'BAD_SIGNATURE', message: 'X-Relance-Signature must be sha256=<64 hex digits>' };
  const expected = Buffer.from(signWebhook(secret, timestamp, body).slice(7), 'hex');
  const given = Buffer.from(signature.slice(7), 'hex');
  if (!timingSafeEqual(given, expected)) return { ok: false, code: 'BAD_SIGNATURE', message: 'the signature does not match the body' };
  if (Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp)) > WEBHOOK_TOLERANCE_S) {
    return { ok: false, code: 'STALE', message: `the timestamp is more than ${WEBHOOK_TOLERANCE_S} seconds away from the server's clock` };
  }
  return { ok: true, signature: signature.slice(7).toLowerCase() };
}
