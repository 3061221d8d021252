import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { startEmbeddedRedis } from '../../../src/state/embedded-redis.js';
import { RedisUnavailableError } from '../../../src/state/redis.js';
import { answers, childRelance, cleanUp, isGone, removeChildScript, tempDir, track, waitUntil } from './processes.js';

afterEach(async () => {
  vi.unstubAllEnvs();
  await cleanUp();
});
afterAll(removeChildScript);

async function withClient<T>(url: string, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
  await redis.connect();
  try {
    return await use(redis);
  } finally {
    await redis.quit();
  }
}

const aofText = (dir: string) => {
  const aofDir = join(dir, 'appendonlydir');
  if (!existsSync(aofDir)) return '';
  return readdirSync(aofDir).filter((f) => f.endsWith('.aof')).map((f) => readFileSync(join(aofDir, f), 'utf8')).join('');
};

describe('startEmbeddedRedis', () => {
  it('starts a redis-server in the dir with AOF on, no eviction, bound to 127.0.0.1', async () => {
    const dir = tempDir();
    const server = track(await startEmbeddedRedis({ dir }));
    expect(server.started).toBe(true);
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    await withClient(server.url, async (redis) => {
      expect(await redis.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await redis.config('GET', 'appendfsync')).toEqual(['appendfsync', 'everysec']);
      expect(await redis.config('GET', 'maxmemory-policy')).toEqual(['maxmemory-policy', 'noeviction']);
      expect(await redis.config('GET', 'save')).toEqual(['save', '']);
      expect(await redis.config('GET', 'bind')).toEqual(['bind', '127.0.0.1']);
      await redis.set('relance-aof-probe', 'written');
    });
    // The write reaches the AOF file under appendonlydir/.
    expect(await waitUntil(() => aofText(dir).includes('relance-aof-probe'))).toBe(true);
  });

  it('keeps data across a reconnect, and across a stop and restart (AOF reload)', async () => {
    const dir = tempDir();
    const first = track(await startEmbeddedRedis({ dir }));
    await withClient(first.url, (redis) => redis.set('kept', 'yes'));
    expect(await withClient(first.url, (redis) => redis.get('kept'))).toBe('yes');
    await first.stop();

    const second = track(await startEmbeddedRedis({ dir }));
    expect(second.started).toBe(true);
    expect(await withClient(second.url, (redis) => redis.get('kept'))).toBe('yes');
  });

  it('is reused by a second start on the same dir, and stopped when the last user stops', async () => {
    const dir = tempDir();
    const first = track(await startEmbeddedRedis({ dir }));
    const second = track(await startEmbeddedRedis({ dir }));
    expect(second).toMatchObject({ started: false, pid: first.pid, url: first.url });

    await first.stop();
    expect(await answers(first.port)).toBe(true); // the second handle still uses it

    await second.stop();
    expect(await answers(first.port)).toBe(false);
    expect(isGone(first.pid)).toBe(true);
    expect(existsSync(join(dir, 'server.json'))).toBe(false);
    await second.stop(); // idempotent
  });

  it('says how to install redis-server when there is none', async () => {
    vi.stubEnv('RELANCE_REDIS_SERVER', '/nonexistent');
    const dir = tempDir();
    const refused = await startEmbeddedRedis({ dir }).then(() => undefined, (err: unknown) => err);
    expect(refused).toBeInstanceOf(RedisUnavailableError);
    const message = (refused as Error).message;
    expect(message).toContain('RELANCE_REDIS_SERVER=/nonexistent');
    expect(message).toContain('apt-get install redis-server');
    expect(message).toContain('brew install redis');
    expect(message).toContain('REDIS_URL');
    expect(existsSync(join(dir, 'server.json'))).toBe(false);
  });

  it('quotes the log when redis-server refuses to start', async () => {
    const dir = tempDir();
    const refused = await startEmbeddedRedis({ dir, port: 70_000 }).then(() => undefined, (err: unknown) => err);
    expect(refused).toBeInstanceOf(RedisUnavailableError);
    expect((refused as Error).message).toMatch(/exited with code 1[\s\S]*redis\.log[\s\S]*port/i);
  });
});

describe('the embedded server across processes', () => {
  it('is stopped when the relance that started it is killed by SIGTERM', async () => {
    const dir = tempDir();
    const child = await childRelance(dir);
    expect(child.server.started).toBe(true);
    expect(await answers(child.server.port)).toBe(true);

    child.process.kill('SIGTERM');
    expect(await child.exited).toEqual({ code: null, signal: 'SIGTERM' }); // re-raised, not swallowed
    expect(await waitUntil(() => isGone(child.server.pid))).toBe(true);
    expect(await answers(child.server.port)).toBe(false);
  });

  it('is stopped when the relance that started it calls process.exit()', async () => {
    const dir = tempDir();
    const child = await childRelance(dir, 'exit');
    expect(await child.exited).toEqual({ code: 0, signal: null });
    expect(await waitUntil(() => isGone(child.server.pid))).toBe(true);
  });

  it('is shared by two processes started at once, and outlives the starter while the other uses it', async () => {
    const dir = tempDir();
    const [a, b] = await Promise.all([childRelance(dir), childRelance(dir)]);
    expect(b.server.pid).toBe(a.server.pid);
    expect([a.server.started, b.server.started].sort()).toEqual([false, true]);

    const ours = track(await startEmbeddedRedis({ dir }));
    expect(ours).toMatchObject({ started: false, pid: a.server.pid });

    a.process.kill('SIGTERM');
    b.process.kill('SIGINT');
    await Promise.all([a.exited, b.exited]);
    expect(await answers(ours.port)).toBe(true); // we still hold a lease

    await ours.stop();
    expect(await waitUntil(() => isGone(ours.pid))).toBe(true);
  });

  it('reuses a server left by a crashed relance, and stops it when done', async () => {
    const dir = tempDir();
    const child = await childRelance(dir);
    child.process.kill('SIGKILL'); // no exit hook runs: the server stays, with a dead lease
    await child.exited;

    const ours = track(await startEmbeddedRedis({ dir }));
    expect(ours).toMatchObject({ started: false, pid: child.server.pid });
    await ours.stop();
    expect(await waitUntil(() => isGone(ours.pid))).toBe(true);
  });
});
