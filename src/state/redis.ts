import { Redis, type RedisOptions } from 'ioredis';
import { RelanceError } from '../errors.js';

export class RedisUnavailableError extends RelanceError {
  override readonly code = 'REDIS_UNAVAILABLE';
  override readonly exitCode = 69;
}

export class UnsafeRedisError extends RelanceError {
  override readonly code = 'REDIS_UNSAFE';
  override readonly exitCode = 78;
}

/** Eviction policies that may drop relance's keys: the running state would silently vanish. */
const EVICTING = ['allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'];

export function redisOptions(): RedisOptions {
  return { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: true, connectTimeout: 2_000 };
}

/** Connects to `url`, failing fast with a clear error instead of retrying forever. */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, { ...redisOptions(), retryStrategy: () => null });
  // ioredis reports the cause (ECONNREFUSED…) as an event and rejects with a vaguer error.
  let cause: Error | undefined;
  redis.on('error', (err: Error) => { cause ??= err; });
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new RedisUnavailableError(`cannot connect to Redis at ${redactUrl(url)}: ${(cause ?? (err as Error)).message}`);
  }
  try {
    await refuseEviction(redis);
  } catch (err) {
    redis.disconnect();
    throw err;
  }
  return redis;
}

/** Startup check: relance's state must never be evicted. */
export async function refuseEviction(redis: Redis): Promise<void> {
  let policy: string | undefined;
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    policy = reply[1];
  } catch {
    return; // managed Redis services often forbid CONFIG; nothing to check then
  }
  if (policy && EVICTING.includes(policy)) {
    throw new UnsafeRedisError(`Redis evicts keys (maxmemory-policy ${policy}): relance's running state could vanish. Set \`maxmemory-policy noeviction\`.`);
  }
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):([^@/]*)@/, '//$1:***@');
}
