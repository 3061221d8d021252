import type { Redis } from 'ioredis';
import type { Keys } from '../state/keys.js';
import { runScript } from '../state/scripts.js';

/** A due bucket: the contacts of one scenario due in one minute. */
export interface DueBucket {
  scenario: string;
  minute: number;
  member: string;
}

/** Buckets due at or before `nowS`, oldest first. */
export async function dueBuckets(redis: Redis, keys: Keys, nowS: number, limit = 1000): Promise<DueBucket[]> {
  const members = await redis.zrangebyscore(keys.dueIndex(), '-inf', nowS, 'LIMIT', 0, limit);
  return members.map((member) => ({ ...keys.parseDueMember(member), member }));
}

/** The first `count` contact ids of a bucket (the same id may be there twice: a wake, a requeue). */
export async function readBucket(redis: Redis, keys: Keys, bucket: DueBucket, count: number): Promise<string[]> {
  return redis.lrange(keys.dueBucket(bucket.scenario, bucket.minute), 0, count - 1);
}

/**
 * Removes the first `taken` entries of a bucket once they are queued, and the bucket from the
 * index when it is empty (lua/sweep-bucket.lua). Returns the entries left.
 */
export async function trimBucket(redis: Redis, keys: Keys, bucket: DueBucket, taken: number): Promise<number> {
  return runScript<number>(redis, 'sweep-bucket', [keys.dueBucket(bucket.scenario, bucket.minute), keys.dueIndex()], [taken, bucket.member]);
}

/** Puts contacts back in a bucket, enrollments untouched (a batch withdrawn by a pause). */
export async function requeue(redis: Redis, keys: Keys, scenario: string, minute: number, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await runScript(redis, 'requeue', [keys.dueBucket(scenario, minute), keys.dueIndex()], [keys.dueMember(scenario, minute), minute * 60, ...ids]);
}

/** The earliest due time in the index (epoch seconds), for a virtual clock to jump to. */
export async function nextDue(redis: Redis, keys: Keys): Promise<number | undefined> {
  const first = await redis.zrange(keys.dueIndex(), 0, 0, 'WITHSCORES');
  return first.length ? Number(first[1]) : undefined;
}
