import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

export interface WindowHit {
  /** Hits in the current window, this one included. */
  count: number;
  /** Whole seconds until the window ends (what Retry-After says), at least 1. */
  retryAfter: number;
}

/**
 * Counts `hits` (one by default) in a fixed window held in Redis, so every process shares the
 * count: form posts per address, trigger entries per scenario. The key expires with its window
 * (twice its length: a clock skew between processes never resets a count early).
 */
export async function hitWindow(redis: Redis, keys: Keys, name: string, windowS: number, now: Date, hits = 1): Promise<WindowHit> {
  const nowS = Math.floor(now.getTime() / 1000);
  const window = Math.floor(nowS / windowS);
  const key = keys.scratch(`${name}:${window}`);
  const [[err, count]] = (await redis.multi().incrby(key, hits).expire(key, windowS * 2).exec()) as [[Error | null, number], unknown];
  if (err) throw err;
  return { count, retryAfter: retryAfter(windowS, now) };
}

/** Seconds until the end of the current fixed window of `windowS` seconds (at least 1). */
export function retryAfter(windowS: number, now: Date): number {
  const nowS = Math.floor(now.getTime() / 1000);
  return Math.max(1, (Math.floor(nowS / windowS) + 1) * windowS - nowS);
}
