import { Redis, type RedisOptions } from 'ioredis';
import { RelanceError } from '../errors.js';
import { describeRedis, environmentOptions, reconnectBackoff, reconnectDelay } from './redis-config.js';

export { redactUrl } from './redis-config.js';

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

/**
 * Options of relance's own connections. They reconnect for ever with a capped back-off (the
 * process decides when an outage is too long: state/connection-watch.ts), and a command fails at
 * once while disconnected, or when the connection drops under it, instead of waiting in a queue
 * and being sent again later: a Lua script whose reply was lost may have run, so resending it is
 * the caller's decision, not the client's.
 */
export function redisOptions(env: NodeJS.ProcessEnv = process.env): RedisOptions {
  const backoff = reconnectBackoff(env);
  return {
    lazyConnect: true,
    enableReadyCheck: true,
    connectTimeout: 2_000,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    retryStrategy: (times) => reconnectDelay(times, backoff),
    // After a failover the old master answers READONLY: reconnect (through Sentinel, to the new one).
    reconnectOnError: (err) => err.message.startsWith('READONLY'),
  };
}

/**
 * A connection for a BullMQ Worker, with `redis`'s target and reconnection. BullMQ wants its
 * worker connections to wait through an outage rather than fail (maxRetriesPerRequest null, the
 * offline queue on): the worker loop then resumes as soon as Redis is back. What waits there is
 * bounded: a few commands per running batch, and the process exits after a long outage.
 */
export function workerConnection(redis: Redis): Redis {
  const connection = redis.duplicate({ maxRetriesPerRequest: null, enableOfflineQueue: true });
  connection.on('error', () => undefined); // outages are reported once, by connection-watch.ts
  return connection;
}

/**
 * Connects to `url` (with REDIS_TLS_* and REDIS_SENTINELS from `env`). The first connection fails
 * fast with a clear error, so a command run without Redis says so at once; once connected, the
 * client reconnects by itself whenever the connection drops.
 */
export async function connectRedis(url: string, env: NodeJS.ProcessEnv = process.env): Promise<Redis> {
  const options = { ...redisOptions(env), ...environmentOptions(url, env) };
  const reconnect = options.retryStrategy!;
  let connected = false;
  // Until the first connection, give up at the first failure (no retry); then reconnect for ever.
  options.retryStrategy = (times) => (connected ? reconnect(times) : null);
  if (options.sentinels) options.sentinelRetryStrategy = options.retryStrategy;
  const redis = url ? new Redis(url, options) : new Redis(options);
  // ioredis reports the cause (ECONNREFUSED…) as an event and rejects with a vaguer error.
  let cause: Error | undefined;
  const onError = (err: Error) => { cause ??= err; };
  redis.on('error', onError);
  try {
    await redis.connect();
  } catch (err) {
    redis.disconnect();
    throw new RedisUnavailableError(`cannot connect to Redis at ${describeRedis(url, env)}: ${(cause ?? (err as Error)).message}`);
  }
  connected = true;
  redis.off('error', onError);
  // Reconnection errors are reported by whoever watches the connection (connection-watch.ts);
  // without a listener ioredis would print each one.
  redis.on('error', () => undefined);
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
