import type { Redis } from 'ioredis';
import type { Keys } from '../state/keys.js';
import { normalizeEmail } from './normalize.js';

export type SuppressionReason = 'unsubscribed' | 'bounced' | 'complaint' | 'manual';

export interface Suppression {
  reason: SuppressionReason;
  /** ISO 8601 time the suppression was recorded. */
  at: string;
  /** What reported it: a webhook, a campaign, a person... */
  source: string;
}

/**
 * Suppresses an address for every scenario from now on (SPEC 3.3). Keeps the first record when
 * the address is already suppressed, so the original reason and time survive. Returns true when
 * the address was not suppressed before. Imports never call this, and nothing here lifts one.
 */
export async function suppress(redis: Redis, keys: Keys, email: string, reason: SuppressionReason, source: string, at: Date = new Date()): Promise<boolean> {
  const address = normalizeEmail(email);
  if (address === '') throw new TypeError('suppress: empty email address');
  const record: Suppression = { reason, at: at.toISOString(), source };
  return (await redis.hsetnx(keys.suppressed(), address, JSON.stringify(record))) === 1;
}

export async function isSuppressed(redis: Redis, keys: Keys, email: string): Promise<boolean> {
  return (await redis.hexists(keys.suppressed(), normalizeEmail(email))) === 1;
}

export async function getSuppression(redis: Redis, keys: Keys, email: string): Promise<Suppression | null> {
  const json = await redis.hget(keys.suppressed(), normalizeEmail(email));
  return json === null ? null : (JSON.parse(json) as Suppression);
}

const CHUNK = 1000;

/** For each address, whether it is suppressed (same order). Asks Redis 1,000 addresses at a time. */
export async function suppressedMany(redis: Redis, keys: Keys, emails: readonly string[]): Promise<boolean[]> {
  const out: boolean[] = [];
  for (let i = 0; i < emails.length; i += CHUNK) {
    const slice = emails.slice(i, i + CHUNK).map(normalizeEmail);
    const found = await redis.hmget(keys.suppressed(), ...slice);
    for (const record of found) out.push(record !== null);
  }
  return out;
}
