import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { onTestFinished } from 'vitest';

/**
 * A redis-server of a test's own, with AOF on every write (`appendfsync always`: whatever Redis
 * acknowledged survives a kill -9), that the test can stop and start again on the same port and
 * directory. Stopped, and its directory removed, once the test is over. Call it inside a test.
 */
export interface PrivateRedis {
  port: number;
  url: string;
  dir: string;
  /** A client for the test itself: ioredis's defaults, so it waits through restarts. */
  client(): Redis;
  /** SHUTDOWN (the AOF is flushed), and waits for the process to exit. */
  shutdown(): Promise<void>;
  /** kill -9, and waits for the process to exit. */
  kill9(): Promise<void>;
  /** Starts the server again on the same port and directory; resolves once it answers PING (AOF loaded). */
  start(): Promise<void>;
  /**
   * While the server is down: loads the same directory on another port, runs `fn` on it, and
   * stops it. This is the state the restarted server will find, read before any worker can
   * change it. `fn` must only read.
   */
  peek<T>(fn: (redis: Redis) => Promise<T>): Promise<T>;
  /** Whether the server process is running. */
  running(): boolean;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'relance-private-redis-'));
  const port = await freePort();
  const clients: Redis[] = [];
  let child: ChildProcess | undefined;

  const exited = (c: ChildProcess) => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise<void>((done) => c.once('exit', () => done())));

  const server: PrivateRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    client() {
      const redis = new Redis(server.url);
      redis.on('error', () => { /* restarts are the point */ });
      clients.push(redis);
      return redis;
    },
    async shutdown() {
      const c = child!;
      const admin = new Redis(server.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      admin.on('error', () => undefined);
      await admin.connect();
      await admin.call('SHUTDOWN').catch(() => undefined); // the server closes the connection instead of answering
      admin.disconnect();
      await exited(c);
    },
    async kill9() {
      const c = child!;
      c.kill('SIGKILL');
      await exited(c);
    },
    async start() {
      child = await spawnServer(port, dir);
    },
    async peek(fn) {
      const other = await freePort();
      const c = await spawnServer(other, dir);
      const redis = new Redis({ port: other, host: '127.0.0.1', maxRetriesPerRequest: 0 });
      try {
        return await fn(redis);
      } finally {
        await redis.call('SHUTDOWN').catch(() => undefined);
        redis.disconnect();
        await exited(c);
      }
    },
    running: () => !!child && child.exitCode === null && child.signalCode === null,
  };
  await server.start();
  // After the test's afterEach hooks: the workers they stop still have their Redis.
  onTestFinished(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    if (server.running()) await server.kill9();
    rmSync(dir, { recursive: true, force: true });
  });
  return server;
}

const spawned = new Set<ChildProcess>();
process.once('exit', () => { for (const c of spawned) c.kill('SIGKILL'); });

async function spawnServer(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
    '--appendonly', 'yes', '--appendfsync', 'always', '--save', '', '--maxmemory-policy', 'noeviction'], { stdio: 'ignore' });
  spawned.add(child);
  child.once('exit', () => spawned.delete(child));
  const deadline = Date.now() + 20_000;
  while (!(await answers(port))) {
    if (child.exitCode !== null) throw new Error(`redis-server on port ${port} exited (${child.exitCode})`);
    if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within 20 s`);
    await sleep(20);
  }
  return child;
}

async function answers(port: number): Promise<boolean> {
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 1_000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect(); // ready: the AOF is loaded
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}
