import type { Redis } from 'ioredis';
import { sendIdOf } from '../delivery/verp.js';
import type { Keys } from '../state/keys.js';

/** One send relance made: which scenario, contact, email step and visit of it. */
export interface SendRef {
  scenario: string;
  contactId: string;
  step: string;
  visit: number;
}

/**
 * The send a Message-ID (`<id@domain>`, with or without brackets) or a VERP id (32 hex digits)
 * names, from the index the send's last-moment check writes; undefined for anything else.
 */
export async function findSend(redis: Redis, keys: Keys, ref: string): Promise<SendRef | undefined> {
  const id = sendIdOf(ref);
  if (!id) return undefined;
  return parseSend(await redis.hget(keys.messageIds(), id));
}

/** The first of `refs` that names a send (a reply's In-Reply-To, then its References), in one read. */
export async function findFirstSend(redis: Redis, keys: Keys, refs: readonly string[]): Promise<SendRef | undefined> {
  const ids = [...new Set(refs.map(sendIdOf).filter((id): id is string => id !== undefined))];
  if (ids.length === 0) return undefined;
  for (const value of await redis.hmget(keys.messageIds(), ...ids)) {
    const send = parseSend(value);
    if (send) return send;
  }
  return undefined;
}

/** `<scenario>|<contact>|<step>|<since>`, as send-steps.lua indexes it. */
function parseSend(value: string | null): SendRef | undefined {
  if (!value) return undefined;
  const parts = value.split('|');
  if (parts.length !== 4) return undefined;
  const [scenario, contactId, step, since] = parts as [string, string, string, string];
  const visit = Number(since);
  return scenario && contactId && step && Number.isSafeInteger(visit) ? { scenario, contactId, step, visit } : undefined;
}
