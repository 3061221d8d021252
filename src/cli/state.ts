import type { Redis } from 'ioredis';
import { Keys } from '../state/keys.js';
import { openRedis } from '../state/resolve-redis.js';

export interface StateContext {
  redis: Redis;
  keys: Keys;
  source: string;
}

/**
 * Opens the running state for one command: REDIS_URL, else a Redis on 127.0.0.1:6379, else an
 * embedded redis-server under .relance/ (stopped when the last relance process lets go of it).
 */
export async function withState<T>(fn: (ctx: StateContext) => Promise<T>): Promise<T> {
  const opened = await openRedis({ embeddedDir: '.relance/redis' });
  try {
    return await fn({ redis: opened.redis, keys: new Keys(), source: opened.source });
  } finally {
    await opened.close();
  }
}
