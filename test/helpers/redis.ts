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

type Check = (redis: Redis, keys: Keys) => Promise<void>;
const checks: Check[] = [];

/** Runs `check` on every test prefix after each test, before its keys are deleted (the engine tests run the doctor). */
export function checkBeforeCleanup(check: Check): void {
  checks.push(check);
}

afterEach(async () => {
  const redis = clients[0];
  const errors: unknown[] = [];
  if (redis) {
    for (const keys of prefixes.splice(0)) {
      for (const check of checks) await check(redis, keys).catch((err: unknown) => errors.push(err));
      await deletePrefix(redis, keys);
    }
  }
  if (errors.length) throw errors[0];
});

afterAll(async () => {
  await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())));
});
