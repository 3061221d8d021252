import type { Redis } from 'ioredis';
import type { Keys } from '../state/keys.js';
import { isValidEmail, normalizeEmail } from './normalize.js';

export interface Contact {
  id: string;
  /** The contact's fields, `email` included; values are text as imported. */
  fields: Record<string, unknown>;
}

/** The contact with this address, or null. */
export async function getContact(redis: Redis, keys: Keys, email: string): Promise<Contact | null> {
  const id = await redis.hget(keys.contactIds(), normalizeEmail(email));
  if (id === null) return null;
  const json = await redis.hget(keys.contactData(), id);
  return { id, fields: json === null ? {} : (JSON.parse(json) as Record<string, unknown>) };
}

export async function listSize(redis: Redis, keys: Keys, list: string): Promise<number> {
  return redis.scard(keys.list(list));
}

const SCAN = 1000;

/**
 * The number of distinct contacts in the union of `lists` whose address is valid and not
 * suppressed: the "leads affectés" a plan shows before activation (SPEC 3.1).
 *
 * Walks each list with SSCAN, 1,000 ids at a time, so a million contacts are never in memory at
 * once and Redis is never blocked by a big union. A contact of several lists is counted in the
 * first one only (SMISMEMBER against the lists before it). As with any SCAN, a list resized while
 * it is walked may return an id twice; the count is exact when the lists do not change meanwhile.
 */
export async function countDeliverable(redis: Redis, keys: Keys, lists: readonly string[]): Promise<number> {
  const names = [...new Set(lists)];
  let count = 0;
  for (let i = 0; i < names.length; i++) {
    let cursor = '0';
    do {
      const [next, ids] = await redis.sscan(keys.list(names[i]!), cursor, 'COUNT', SCAN);
      cursor = next;
      const fresh = await notInLists(redis, keys, ids, names.slice(0, i));
      count += await countSendable(redis, keys, fresh);
    } while (cursor !== '0');
  }
  return count;
}

async function notInLists(redis: Redis, keys: Keys, ids: string[], earlier: string[]): Promise<string[]> {
  if (ids.length === 0 || earlier.length === 0) return ids;
  const pipeline = redis.pipeline();
  for (const list of earlier) pipeline.smismember(keys.list(list), ...ids);
  const replies = (await pipeline.exec()) ?? [];
  return ids.filter((_, k) => replies.every(([err, members]) => {
    if (err) throw err;
    return (members as number[])[k] === 0;
  }));
}

async function countSendable(redis: Redis, keys: Keys, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const data = await redis.hmget(keys.contactData(), ...ids);
  const emails: string[] = [];
  for (const json of data) {
    if (json === null) continue; // an id without a contact record
    const email = emailOf(json);
    if (email && isValidEmail(email)) emails.push(email);
  }
  if (emails.length === 0) return 0;
  const suppressed = await redis.hmget(keys.suppressed(), ...emails);
  return suppressed.filter((s) => s === null).length;
}

function emailOf(json: string): string | undefined {
  try {
    const fields = JSON.parse(json) as { email?: unknown };
    return typeof fields.email === 'string' ? normalizeEmail(fields.email) : undefined;
  } catch {
    return undefined; // unreadable record: not deliverable
  }
}
