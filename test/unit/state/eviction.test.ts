import { afterEach, describe, expect, it } from 'vitest';
import { RelanceError } from '../../../src/errors.js';
import { connectRedis, UnsafeRedisError } from '../../../src/state/redis.js';
import { cleanUp, throwawayRedis } from './processes.js';

afterEach(cleanUp);

describe('connectRedis refuses a Redis that evicts keys', () => {
  it.each(['allkeys-lru', 'volatile-ttl'])('refuses maxmemory-policy %s', async (policy) => {
    const { url } = await throwawayRedis('--maxmemory-policy', policy);
    const refused = await connectRedis(url).then(() => undefined, (err: unknown) => err);
    expect(refused).toBeInstanceOf(UnsafeRedisError);
    expect(refused).toBeInstanceOf(RelanceError);
    expect(refused).toMatchObject({ code: 'REDIS_UNSAFE', exitCode: 78 });
    expect((refused as Error).message).toContain(policy);
    expect((refused as Error).message).toContain('noeviction');
  });

  it('accepts noeviction', async () => {
    const { url } = await throwawayRedis('--maxmemory-policy', 'noeviction');
    const redis = await connectRedis(url);
    try {
      expect(await redis.ping()).toBe('PONG');
    } finally {
      redis.disconnect();
    }
  });
});
