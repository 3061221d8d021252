import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RedisUnavailableError, UnsafeRedisError } from '../../../src/state/redis.js';
import { openRedis } from '../../../src/state/resolve-redis.js';
import { answers, cleanUp, freePort, tempDir, throwawayRedis } from './processes.js';

afterEach(async () => {
  vi.unstubAllEnvs();
  await cleanUp();
});

describe('openRedis', () => {
  it('fails on a REDIS_URL that does not answer, and starts nothing', async () => {
    vi.stubEnv('REDIS_URL', `redis://127.0.0.1:${await freePort()}`);
    const embeddedDir = join(tempDir(), 'redis');
    const refused = await openRedis({ embeddedDir }).then(() => undefined, (err: unknown) => err);
    expect(refused).toBeInstanceOf(RedisUnavailableError);
    expect((refused as Error).message).toContain('cannot connect to Redis at redis://127.0.0.1:');
    expect(existsSync(embeddedDir)).toBe(false);
  });

  it('uses the Redis on 127.0.0.1:6379 when no URL is set', async (context) => {
    if (!(await answers(6379))) context.skip();
    vi.stubEnv('REDIS_URL', '');
    const embeddedDir = join(tempDir(), 'redis');
    const opened = await openRedis({ embeddedDir });
    try {
      expect(opened).toMatchObject({ source: 'local', url: 'redis://127.0.0.1:6379' });
      expect(await opened.redis.ping()).toBe('PONG');
      expect(existsSync(embeddedDir)).toBe(false);
    } finally {
      await opened.close();
    }
  });

  it('refuses a local Redis that evicts keys rather than working around it', async () => {
    const local = await throwawayRedis('--maxmemory-policy', 'allkeys-lru');
    const embeddedDir = join(tempDir(), 'redis');
    const refused = await openRedis({ url: '', localPort: local.port, embeddedDir }).then(() => undefined, (err: unknown) => err);
    expect(refused).toBeInstanceOf(UnsafeRedisError);
    expect((refused as Error).message).toContain('REDIS_URL is not set');
    expect(existsSync(embeddedDir)).toBe(false);
  });

  it('starts the embedded server when nothing answers locally, and close() stops it', async () => {
    const embeddedDir = join(tempDir(), 'redis');
    const opened = await openRedis({ url: '', localPort: await freePort(), embeddedDir });
    expect(opened.source).toBe('embedded');
    await opened.redis.set('k', 'v');
    expect(await opened.redis.get('k')).toBe('v');
    const port = Number(new URL(opened.url).port);

    await opened.close();
    expect(await answers(port)).toBe(false);
    expect(existsSync(join(embeddedDir, 'server.json'))).toBe(false);
  });

  it('says how to install Redis when there is none to start', async () => {
    vi.stubEnv('RELANCE_REDIS_SERVER', '/nonexistent');
    const embeddedDir = join(tempDir(), 'redis');
    const refused = await openRedis({ url: '', localPort: await freePort(), embeddedDir }).then(() => undefined, (err: unknown) => err);
    expect(refused).toBeInstanceOf(RedisUnavailableError);
    expect((refused as Error).message).toMatch(/REDIS_URL is not set and no Redis answers at 127\.0\.0\.1:\d+/);
    expect((refused as Error).message).toContain('apt-get install redis-server');
  });
});
