import type { Redis } from 'ioredis';
import { unpackEnrollment, type Enrollment } from '../state/enrollment.js';
import type { Keys } from '../state/keys.js';
import { IN_PROGRESS, type CountRow, type EnrollmentStatus } from '../state/scenario-store.js';

/** Reads of the enrollment state. Writes are in the other files of this folder, one script each. */

/** The packed enrollments of `ids` as stored (null: not enrolled), for a compare-and-set later. */
export async function readPacked(redis: Redis, keys: Keys, scenario: string, ids: readonly string[]): Promise<Array<string | null>> {
  return ids.length ? redis.hmget(keys.enrollments(scenario), ...ids) : [];
}

export async function readEnrollment(redis: Redis, keys: Keys, scenario: string, id: string): Promise<Enrollment | undefined> {
  const value = await redis.hget(keys.enrollments(scenario), id);
  return value ? unpackEnrollment(value) : undefined;
}

/** Engagement JSON of `ids` (see conditions/contact-state.ts), null where there is none. */
export async function readEngagement(redis: Redis, keys: Keys, scenario: string, ids: readonly string[]): Promise<Array<string | null>> {
  return ids.length ? redis.hmget(keys.engagement(scenario), ...ids) : [];
}

/** Every engagement record of a scenario (the demo's report). */
export async function readAllEngagement(redis: Redis, keys: Keys, scenario: string): Promise<string[]> {
  return Object.values(await redis.hgetall(keys.engagement(scenario)));
}

/** How many contacts have an enrollment (in progress or ended). */
export async function enrollmentCount(redis: Redis, keys: Keys, scenario: string): Promise<number> {
  return redis.hlen(keys.enrollments(scenario));
}

/** Of `ids`, those in progress in `scenario` (exclusive scenarios: one at a time per contact). */
export async function inProgressIn(redis: Redis, keys: Keys, scenario: string, ids: readonly string[]): Promise<Set<string>> {
  const values = await readPacked(redis, keys, scenario, ids);
  const out = new Set<string>();
  values.forEach((v, i) => { if (v && IN_PROGRESS.includes(unpackEnrollment(v).status)) out.add(ids[i]!); });
  return out;
}

/** The whole counts hash: `version|step|status` rows and the `_`-prefixed totals. */
export async function readCountsHash(redis: Redis, keys: Keys, scenario: string): Promise<Record<string, string>> {
  return redis.hgetall(keys.counts(scenario));
}

/** Enrollment counts by version, step and status, from the counters (no scan). */
export async function readCounts(redis: Redis, keys: Keys, scenario: string): Promise<CountRow[]> {
  return countRows(await readCountsHash(redis, keys, scenario));
}

export function countRows(hash: Record<string, string>): CountRow[] {
  return Object.entries(hash)
    .filter(([field]) => !field.startsWith('_')) // totals such as `_active`
    .map(([field, n]) => {
      const [version = '', step = '', status = 'waiting'] = field.split('|');
      return { version, step, status: status as EnrollmentStatus, count: Number(n) };
    })
    .filter((row) => row.count > 0);
}

/** Enrollments in error: how many, and a few of their reasons. */
export async function readErrors(redis: Redis, keys: Keys, scenario: string, samples = 10): Promise<{ count: number; samples: Array<{ contactId: string; reason: string }> }> {
  const [, flat] = await redis.hscan(keys.errors(scenario), '0', 'COUNT', samples);
  const out: Array<{ contactId: string; reason: string }> = [];
  for (let i = 0; i + 1 < flat.length && out.length < samples; i += 2) out.push({ contactId: flat[i]!, reason: flat[i + 1]! });
  return { count: await redis.hlen(keys.errors(scenario)), samples: out };
}

/** Every enrollment of a scenario, a page at a time (HSCAN, never the whole hash at once). */
export async function eachEnrollment(redis: Redis, keys: Keys, scenario: string, each: (id: string, e: Enrollment) => void): Promise<void> {
  await eachField(redis, keys.enrollments(scenario), (id, value) => each(id, unpackEnrollment(value)));
}

/** Every engagement record of a scenario (JSON, see conditions/contact-state.ts), a page at a time. */
export async function eachEngagement(redis: Redis, keys: Keys, scenario: string, each: (id: string, json: string) => void): Promise<void> {
  await eachField(redis, keys.engagement(scenario), each);
}

/** Every run in error of a scenario, with its reason, a page at a time. */
export async function eachError(redis: Redis, keys: Keys, scenario: string, each: (id: string, reason: string) => void): Promise<void> {
  await eachField(redis, keys.errors(scenario), each);
}

async function eachField(redis: Redis, key: string, each: (field: string, value: string) => void): Promise<void> {
  let cursor = '0';
  do {
    const [next, page] = await redis.hscan(key, cursor, 'COUNT', 1000);
    cursor = next;
    for (let i = 0; i < page.length; i += 2) each(page[i]!, page[i + 1]!);
  } while (cursor !== '0');
}
