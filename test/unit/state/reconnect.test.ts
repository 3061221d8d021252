import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisDownError, watchConnection } from '../../../src/state/connection-watch.js';
import { readiness } from '../../../src/state/readiness.js';
import { downExitSeconds, environmentOptions, reconnectBackoff, reconnectDelay, RedisConfigError, sentinelsFrom } from '../../../src/state/redis-config.js';
import { connectRedis, RedisUnavailableError, workerConnection } from '../../../src/state/redis.js';
import { startPrivateRedis } from '../../helpers/private-redis.js';
import { cleanUp, freePort, tempDir, throwawayRedis, waitUntil } from './processes.js';

const run = promisify(execFile);

afterEach(cleanUp);

const opened: Redis[] = [];
afterEach(() => { for (const r of opened.splice(0)) r.disconnect(); });
const track = (r: Redis) => (opened.push(r), r);

describe('reconnection settings', () => {
  it('back off from 100 ms, doubling, capped at 2 s; configurable', () => {
    const delays = [1, 2, 3, 4, 5, 6, 50].map((n) => reconnectDelay(n, reconnectBackoff({})));
    expect(delays).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
    expect(reconnectBackoff({ RELANCE_REDIS_RETRY_MIN_MS: '50', RELANCE_REDIS_RETRY_MAX_MS: '500' })).toEqual({ minMs: 50, maxMs: 500 });
    expect(() => reconnectBackoff({ RELANCE_REDIS_RETRY_MAX_MS: 'soon' })).toThrow(RedisConfigError);
    expect(() => reconnectBackoff({ RELANCE_REDIS_RETRY_MIN_MS: '3000' })).toThrow(/below RELANCE_REDIS_RETRY_MIN_MS/);
  });

  it('exit after 60 s without Redis by default; 0 never exits', () => {
    expect(downExitSeconds({})).toBe(60);
    expect(downExitSeconds({ RELANCE_REDIS_DOWN_EXIT_SECONDS: '3' })).toBe(3);
    expect(downExitSeconds({ RELANCE_REDIS_DOWN_EXIT_SECONDS: '0' })).toBe(0);
    expect(() => downExitSeconds({ RELANCE_REDIS_DOWN_EXIT_SECONDS: '-1' })).toThrow(RedisConfigError);
  });

  it('reads Sentinel and TLS settings, and refuses contradictions', () => {
    expect(sentinelsFrom({ REDIS_SENTINELS: 's1:26380, s2,[::1]:26381', REDIS_SENTINEL_NAME: 'mymaster' })).toEqual({
      name: 'mymaster', sentinels: [{ host: 's1', port: 26380 }, { host: 's2', port: 26379 }, { host: '::1', port: 26381 }],
    });
    expect(() => sentinelsFrom({ REDIS_SENTINELS: 's1:26379' })).toThrow(/REDIS_SENTINEL_NAME/);
    expect(environmentOptions('rediss://h:6380', {})).toEqual({ tls: {} });
    expect(environmentOptions('rediss://h:6380', { REDIS_TLS_INSECURE: '1' })).toEqual({ tls: { rejectUnauthorized: false } });
    expect(() => environmentOptions('redis://h:6379', { REDIS_TLS_INSECURE: '1' })).toThrow(/rediss:\/\//);
    expect(() => environmentOptions('rediss://h:6380', { REDIS_TLS_CA_FILE: '/nonexistent/ca.pem' })).toThrow(/REDIS_TLS_CA_FILE=\/nonexistent\/ca.pem/);
    expect(environmentOptions('rediss://:pw@x:6380', { REDIS_SENTINELS: 's1', REDIS_SENTINEL_NAME: 'm', REDIS_SENTINEL_PASSWORD: 'sp' }))
      .toMatchObject({ name: 'm', sentinels: [{ host: 's1', port: 26379 }], sentinelPassword: 'sp', enableTLSForSentinelMode: true, tls: {} });
  });
});

describe('connectRedis across Redis restarts', () => {
  it('fails fast, with a clear error, when no Redis answers at startup', async () => {
    const started = Date.now();
    const refused = await connectRedis(`redis://127.0.0.1:${await freePort()}`).then(() => undefined, (err: unknown) => err);
    expect(refused).toBeInstanceOf(RedisUnavailableError);
    expect(refused).toMatchObject({ exitCode: 69 });
    expect((refused as Error).message).toMatch(/cannot connect to Redis at redis:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('reconnects by itself after a SHUTDOWN and a kill -9; meanwhile commands fail at once', async () => {
    const server = await startPrivateRedis();
    const redis = track(await connectRedis(server.url));
    await redis.set('k', 'v');

    for (const stop of [() => server.shutdown(), () => server.kill9()]) {
      await stop();
      const started = Date.now();
      await expect(redis.get('k')).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(200); // not queued until Redis is back
      expect((await readiness(redis)).ready).toBe(false);
      await server.start();
      expect(await waitUntil(() => redis.status === 'ready', 10_000)).toBe(true);
      expect(await redis.get('k')).toBe('v'); // the AOF kept it, and the same client reads it
      expect(await readiness(redis)).toMatchObject({ ready: true, status: 'ready' });
    }
  });

  it('a BullMQ worker connection waits through an outage instead of failing', async () => {
    const server = await startPrivateRedis();
    const redis = track(await connectRedis(server.url));
    const worker = track(workerConnection(redis));
    expect(await worker.ping()).toBe('PONG');
    await server.kill9();
    await waitUntil(() => worker.status !== 'ready', 5_000);
    const waiting = worker.incr('n'); // sent while Redis is down: waits for the reconnection
    let settled = false;
    void waiting.finally(() => { settled = true; });
    await sleep(300);
    expect(settled).toBe(false);
    await server.start();
    expect(await waiting).toBe(1);
  });
});

describe('watchConnection', () => {
  function recorder() {
    const lines: Array<{ level: string; msg: string }> = [];
    return { lines, log: { info: (_: object, msg: string) => lines.push({ level: 'info', msg }), warn: (_: object, msg: string) => lines.push({ level: 'warn', msg }) } };
  }

  it('logs an outage once when it starts and once when Redis is back', async () => {
    const server = await startPrivateRedis();
    const redis = track(await connectRedis(server.url));
    const { lines, log } = recorder();
    const watch = watchConnection(redis, { log, downExitSeconds: 30, intervalMs: 50, onGiveUp: () => { throw new Error('gave up'); } });
    try {
      await server.kill9();
      expect(await waitUntil(() => watch.downSince() !== undefined, 5_000)).toBe(true);
      await sleep(300); // several ticks while down
      await server.start();
      expect(await waitUntil(() => watch.downSince() === undefined, 10_000)).toBe(true);
      expect(lines.map((l) => l.level)).toEqual(['warn', 'info']);
      expect(lines[0]!.msg).toMatch(/^Redis is unreachable; reconnecting, and exiting if it is still unreachable in 30 s$/);
      expect(lines[1]!.msg).toBe('Redis is reachable again; resuming');
    } finally {
      watch.stop();
    }
  });

  it('gives up after downExitSeconds without Redis, with an error that exits 69', async () => {
    const server = await startPrivateRedis();
    const redis = track(await connectRedis(server.url));
    const { log } = recorder();
    let gaveUp: RedisDownError | undefined;
    const watch = watchConnection(redis, { log, downExitSeconds: 1, intervalMs: 50, onGiveUp: (err) => { gaveUp = err; } });
    try {
      await server.kill9();
      const started = Date.now();
      expect(await waitUntil(() => gaveUp !== undefined, 10_000)).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(gaveUp).toMatchObject({ code: 'REDIS_DOWN', exitCode: 69 });
      expect(gaveUp!.message).toMatch(/Redis has been unreachable for [\d.]+ s \(connect ECONNREFUSED .*\); giving up after RELANCE_REDIS_DOWN_EXIT_SECONDS=1/);
    } finally {
      watch.stop();
    }
  });
});

describe('TLS and Sentinel', () => {
  it('connects to a rediss:// URL with REDIS_TLS_CA_FILE, and refuses an unknown certificate', async (context) => {
    const dir = tempDir();
    try {
      await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
        '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost']);
    } catch {
      context.skip(); // no openssl to make a certificate
    }
    const port = await freePort();
    const server = spawn('redis-server', ['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
      '--tls-cert-file', join(dir, 'cert.pem'), '--tls-key-file', join(dir, 'key.pem'), '--tls-ca-cert-file', join(dir, 'cert.pem'), '--tls-auth-clients', 'no'], { stdio: 'ignore' });
    try {
      const url = `rediss://127.0.0.1:${port}`;
      const env = { REDIS_TLS_CA_FILE: join(dir, 'cert.pem') };
      expect(await waitUntil(() => connectRedis(url, env).then((r) => (r.disconnect(), true), () => false))).toBe(true);
      const redis = track(await connectRedis(url, env));
      expect(await redis.ping()).toBe('PONG');
      const refused = await connectRedis(url, {}).then(() => undefined, (err: unknown) => err);
      expect(refused).toBeInstanceOf(RedisUnavailableError);
      expect((refused as Error).message).toMatch(/cannot connect to Redis at rediss:\/\/127\.0\.0\.1:\d+: self[- ]signed certificate/);
      expect(await track(await connectRedis(url, { REDIS_TLS_INSECURE: '1' })).ping()).toBe('PONG');
    } finally {
      server.kill('SIGKILL');
    }
  });

  it('finds the master through REDIS_SENTINELS and REDIS_SENTINEL_NAME', async () => {
    const master = await throwawayRedis();
    const dir = tempDir();
    const port = await freePort();
    writeFileSync(join(dir, 'sentinel.conf'), `port ${port}\nbind 127.0.0.1\ndir ${dir}\nsentinel monitor relance-test 127.0.0.1 ${master.port} 1\n`);
    const sentinel = spawn('redis-server', [join(dir, 'sentinel.conf'), '--sentinel'], { stdio: 'ignore' });
    try {
      const env = { REDIS_SENTINELS: `127.0.0.1:${port}`, REDIS_SENTINEL_NAME: 'relance-test' };
      expect(await waitUntil(() => connectRedis('', env).then((r) => (r.disconnect(), true), () => false))).toBe(true);
      const redis = track(await connectRedis('', env));
      await redis.set('via-sentinel', '1');
      const direct = track(await connectRedis(master.url));
      expect(await direct.get('via-sentinel')).toBe('1');
      const wrong = await connectRedis('', { ...env, REDIS_SENTINEL_NAME: 'nope' }).then(() => undefined, (err: unknown) => err);
      expect((wrong as Error).message).toContain('cannot connect to Redis at Sentinel master "nope" via 127.0.0.1:');
    } finally {
      sentinel.kill('SIGKILL');
    }
  });
});
