import type { Redis } from 'ioredis';
import type { Keys } from '../state/keys.js';
import { normalizeEmail } from './normalize.js';

export interface Contact {
  id: string;
  /** The contact's fields, `email` included; values are text as imported. */
  fields: Record<string, unknown>;
}

/** The contact with this address, or null. */
export async function getContact(redis: Redis, keys: Keys, email: string): Promise<Contact | null> {
  const id = await redis.hget(keys.contactIds(), normalizeEmail(email));
  if (id === null) return null;
  return { id, fields: (await contactFields(redis, keys, id)) ?? {} };
}

/** The fields of the contact with this id (`email` included), or null when there is none (erased). */
export async function contactFields(redis: Redis, keys: Keys, id: string): Promise<Record<string, unknown> | null> {
  const json = await redis.hget(keys.contactData(), id);
  return json === null ? null : (JSON.parse(json) as Record<string, unknown>);
}

export async function listSize(redis: Redis, keys: Keys, list: string): Promise<number> {
  return redis.scard(keys.list(list));
}

/** The ids that are in none of the `earlier` lists (one SMISMEMBER per list, pipelined). */
export async function notInLists(redis: Redis, keys: Keys, ids: string[], earlier: string[]): Promise<string[]> {
  if (ids.length === 0 || earlier.length === 0) return ids;
  const pipeline = redis.pipeline();
  for (const list of earlier) pipeline.smismember(keys.list(list), ...ids);
  const replies = (await pipeline.exec()) ?? [];
  return ids.filter((_, k) => replies.every(([err, members]) => {
    if (err) throw err;
    return (members as number[])[k] === 0;
  }));
}
