import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, afterEach } from 'vitest';
import { deletePrefix } from '../../src/state/delete-prefix.js';
import { Keys } from '../../src/state/keys.js';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const clients: Redis[] = [];
const prefixes: Keys[] = [];

/** A real Redis connection for a test, and a key prefix of its own, deleted after the test. */
export function testRedis(): { redis: Redis; keys: Keys } {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 3 });
  const keys = new Keys(`test-${randomUUID().slice(0, 8)}`);
  clients.push(redis);
  prefixes.push(keys);
  return { redis, keys };
}

afterEach(async () => {
  const redis = clients[0];
  if (redis) for (const keys of prefixes.splice(0)) await deletePrefix(redis, keys);
});

afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
});
