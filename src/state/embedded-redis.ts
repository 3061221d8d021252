import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, readSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { findProgram, isExecutable } from '../util/find-program.js';
import { RedisUnavailableError } from './redis.js';

/*
 * A `redis-server` child that relance runs itself when no Redis is configured.
 *
 * One server per directory, shared by every relance process of the project. Files in the dir:
 *   server.json      `{ pid, port }` of the running server, so a second process reuses it
 *   lock             pid of the process starting, reusing or stopping the server (serialises them)
 *   leases/<pid>-<id> one per open handle: the reference count
 *   redis.log        the server's output; its tail is quoted when the server does not start
 *   appendonlydir/   Redis's own AOF files
 *
 * Lifecycle: the last handle to close stops the server, whichever process started it. "Only the
 * starter stops it" would either stop it under another process still using it, or leave it
 * running for ever once the starter is gone. A lease whose process is dead counts for nothing,
 * so a crashed process does not pin the server; a server left behind by a crash is reused by the
 * next relance and stopped when that one exits.
 *
 * TCP on 127.0.0.1 rather than a unix socket: every Redis client (BullMQ, redis-cli) takes the
 * URL, and socket paths are capped near 104 bytes, which deep project paths exceed.
 */

export interface EmbeddedRedisOptions {
  /** Where the server keeps its AOF, log and bookkeeping files. */
  dir?: string;
  /** A fixed port; by default a free one is picked. */
  port?: number;
  /** How long a starting server may take to answer PING (loading a large AOF takes a while). */
  startTimeoutMs?: number;
}

export interface EmbeddedRedis {
  url: string;
  port: number;
  /** The redis-server process. */
  pid: number;
  /** True when this call spawned the server, false when it reused a running one. */
  started: boolean;
  /** Releases this handle; the last handle open on the server, in any process, shuts it down. */
  stop(): Promise<void>;
}

interface ServerFile { pid: number; port: number }
interface Handle extends ServerFile { dir: string; lease: string }

const INSTALL_HINT = 'Install Redis (Debian/Ubuntu: `sudo apt-get install redis-server`; macOS: `brew install redis`), or set REDIS_URL to a Redis you run (redis://host:6379).';
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const openHandles = new Set<Handle>();
/** Servers spawned but not yet answering: an exit now must not leave them behind. */
const starting = new Set<ChildProcess>();
/** Servers spawned by this process: their exit is awaited through the ChildProcess. */
const children = new Map<number, ChildProcess>();

export async function startEmbeddedRedis(options: EmbeddedRedisOptions = {}): Promise<EmbeddedRedis> {
  const given = resolve(options.dir ?? '.relance/redis');
  mkdirSync(join(given, 'leases'), { recursive: true, mode: 0o700 });
  // Redis reports its dir with symlinks resolved (CONFIG GET dir); compare like with like.
  const dir = realpathSync(given);
  await lock(dir);
  try {
    let server = await runningServer(dir);
    const started = !server;
    if (!server) {
      rmSync(join(dir, 'leases'), { recursive: true, force: true }); // leases of a gone server mean nothing
      mkdirSync(join(dir, 'leases'), { mode: 0o700 });
      server = await spawnServer(dir, options);
      writeFileAtomic(join(dir, 'server.json'), JSON.stringify(server));
    }
    const handle: Handle = { ...server, dir, lease: join(dir, 'leases', `${process.pid}-${randomBytes(4).toString('hex')}`) };
    writeFileSync(handle.lease, '');
    openHandles.add(handle);
    updateHooks();
    return { url: `redis://127.0.0.1:${server.port}`, port: server.port, pid: server.pid, started, stop: () => stopHandle(handle) };
  } finally {
    unlock(dir);
  }
}

/** `RELANCE_REDIS_SERVER`, else `redis-server` on PATH; throws how to install one when there is none. */
export function findRedisServer(): string {
  const named = process.env.RELANCE_REDIS_SERVER;
  if (named) {
    if (isExecutable(named)) return named;
    throw new RedisUnavailableError(`RELANCE_REDIS_SERVER=${named} is not an executable file. ${INSTALL_HINT}`);
  }
  const found = findProgram([process.platform === 'win32' ? 'redis-server.exe' : 'redis-server']);
  if (found) return found;
  throw new RedisUnavailableError(`no \`redis-server\` found on PATH to run an embedded Redis. ${INSTALL_HINT}`);
}

/** The server recorded in the dir, if it still answers as itself; otherwise clears the record. */
async function runningServer(dir: string): Promise<ServerFile | undefined> {
  const file = readServerFile(dir);
  if (!file) return undefined;
  const found = await probe(file.port);
  if (found?.dir === dir && found.pid === file.pid) return file;
  // A server that is shutting down still writes its AOF: let it finish before another opens the files.
  await waitForExit(file.pid, 10_000);
  rmSync(join(dir, 'server.json'), { force: true });
  return undefined;
}

async function spawnServer(dir: string, options: EmbeddedRedisOptions): Promise<ServerFile> {
  const bin = findRedisServer();
  const logPath = join(dir, 'redis.log');
  const timeoutMs = options.startTimeoutMs ?? 30_000;
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort());
    const log = openSync(logPath, 'a');
    const logStart = statSync(logPath).size;
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
      '--appendonly', 'yes', '--appendfsync', 'everysec', '--maxmemory-policy', 'noeviction', '--save', '', '--daemonize', 'no'];
    // Detached (own process group): a Ctrl-C aimed at one relance must not kill the server under
    // another; our exit hooks stop it instead.
    const child = spawn(bin, args, { detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    child.unref();
    let exited: string | undefined;
    child.once('exit', (code, sig) => (exited = sig ? `was killed by ${sig}` : `exited with code ${code}`));
    child.once('error', (err) => (exited = `failed to run: ${err.message}`));
    starting.add(child);
    updateHooks();
    try {
      const deadline = Date.now() + timeoutMs;
      while (!exited && Date.now() < deadline) {
        const found = await probe(port);
        if (child.pid !== undefined && found?.pid === child.pid && found.dir === dir) {
          children.set(child.pid, child);
          return { pid: child.pid, port };
        }
        await sleep(50);
      }
      if (!exited) await killChild(child);
    } finally {
      starting.delete(child);
      updateHooks();
    }
    const reason = exited ?? `did not answer PING within ${timeoutMs} ms`;
    const tail = logTail(logPath, logStart);
    // Another program took the free port between our check and the bind: pick another.
    if (options.port === undefined && attempt < 3 && /address already in use/i.test(tail)) continue;
    throw new RedisUnavailableError(`embedded Redis (${bin}, port ${port}) ${reason}. Last lines of ${logPath}:\n${tail || '(empty)'}`);
  }
}

async function stopHandle(handle: Handle): Promise<void> {
  if (!openHandles.has(handle)) return;
  await lock(handle.dir);
  try {
    if (!openHandles.delete(handle)) return; // a concurrent stop() of the same handle won
    updateHooks();
    rmSync(handle.lease, { force: true });
    if (liveLeases(handle.dir) > 0) return; // another handle, here or in another process, still uses it
    if (readServerFile(handle.dir)?.pid !== handle.pid) return; // already stopped and replaced
    const found = await probe(handle.port);
    // Signal only the server we know: after a crash its pid may belong to another program.
    if (found?.pid === handle.pid) {
      signal(handle.pid, 'SIGTERM'); // redis-server treats SIGTERM as SHUTDOWN: it flushes the AOF, then exits
      if (!(await waitForExit(handle.pid, 10_000))) {
        signal(handle.pid, 'SIGKILL');
        await waitForExit(handle.pid, 5_000);
      }
    }
    rmSync(join(handle.dir, 'server.json'), { force: true });
  } finally {
    unlock(handle.dir);
  }
}

/**
 * At exit nothing asynchronous runs: release the leases, and signal the server when no one else
 * holds one. server.json stays until the next start sees the pid gone.
 */
function releaseAllSync(): void {
  for (const child of starting) child.kill('SIGKILL'); // not serving anyone yet, and not in server.json
  starting.clear();
  const handles = [...openHandles];
  openHandles.clear();
  updateHooks();
  for (const handle of handles) {
    rmSync(handle.lease, { force: true });
    if (liveLeases(handle.dir) > 0 || !lockSync(handle.dir, 2_000)) continue; // lock busy: its holder reuses or stops it
    try {
      if (liveLeases(handle.dir) === 0 && readServerFile(handle.dir)?.pid === handle.pid) signal(handle.pid, 'SIGTERM');
    } finally {
      unlock(handle.dir);
    }
  }
}

function onSignal(sig: NodeJS.Signals): void {
  // Other listeners: the application shuts down on its own terms and closes us (or exits) when done.
  if (process.listenerCount(sig) > 1) return;
  releaseAllSync();
  process.kill(process.pid, sig); // our listeners are gone: die of the signal as if never caught
}

/** Exit hooks are installed only while this process has a server to release. */
let hooked = false;
function updateHooks(): void {
  const needed = openHandles.size + starting.size > 0;
  if (needed === hooked) return;
  hooked = needed;
  const method = needed ? 'on' : 'off';
  process[method]('exit', releaseAllSync);
  for (const sig of SIGNALS) process[method](sig, onSignal);
}

/** Open leases whose process is alive; removes the others. */
function liveLeases(dir: string): number {
  let live = 0;
  for (const name of safeReaddir(join(dir, 'leases'))) {
    if (isAlive(Number(name.split('-')[0]))) live++;
    else rmSync(join(dir, 'leases', name), { force: true });
  }
  return live;
}

// --- the lock: a file created exclusively, holding the holder's pid ---

function tryLock(dir: string): boolean {
  const path = join(dir, 'lock');
  try {
    writeFileSync(path, String(process.pid), { flag: 'wx' });
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  try {
    const holder = Number(readFileSync(path, 'utf8'));
    // A crashed holder leaves its lock behind; an empty file is a lock being written, unless old.
    const stale = holder > 0 ? !isAlive(holder) : Date.now() - statSync(path).mtimeMs > 5_000;
    if (stale) rmSync(path, { force: true });
  } catch { /* released meanwhile */ }
  return false;
}

async function lock(dir: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!tryLock(dir)) {
    if (Date.now() > deadline) {
      throw new RedisUnavailableError(`${join(dir, 'lock')} has been held for over ${timeoutMs / 1000} s by another relance process; if none is running, delete the file.`);
    }
    await sleep(50);
  }
}

function lockSync(dir: string, timeoutMs: number): boolean {
  const deadline = Date.now() + timeoutMs;
  const cell = new Int32Array(new SharedArrayBuffer(4));
  while (!tryLock(dir)) {
    if (Date.now() > deadline) return false;
    Atomics.wait(cell, 0, 0, 50); // a synchronous sleep: exit handlers cannot await
  }
  return true;
}

function unlock(dir: string): void {
  rmSync(join(dir, 'lock'), { force: true });
}

// --- processes ---

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie (exited, not yet reaped by a parent that is not us) is gone for our purposes.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc (macOS): trust kill(0)
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch { /* already gone */ }
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const child = children.get(pid);
  const deadline = Date.now() + timeoutMs;
  while (child ? child.exitCode === null && child.signalCode === null : isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  children.delete(pid);
  return true;
}

async function killChild(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  if (child.exitCode === null && child.signalCode === null) await new Promise((done) => child.once('exit', done));
}

/** Who answers on the port, if a Redis does and is ready (PING fails while loading the AOF). */
async function probe(port: number): Promise<{ dir: string; pid: number } | undefined> {
  const redis = new Redis({
    host: '127.0.0.1', port, lazyConnect: true, enableReadyCheck: false, enableOfflineQueue: false,
    retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 1_000, commandTimeout: 1_000,
  });
  redis.on('error', () => { /* a closed port is an answer, not an error */ });
  try {
    await redis.connect();
    await redis.ping();
    const [, dir] = (await redis.config('GET', 'dir')) as string[];
    const pid = /process_id:(\d+)/.exec(await redis.info('server'))?.[1];
    return dir && pid ? { dir, pid: Number(pid) } : undefined;
  } catch {
    return undefined;
  } finally {
    redis.disconnect();
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done, fail) => server.once('error', fail).listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

// --- files ---

function readServerFile(dir: string): ServerFile | undefined {
  try {
    const { pid, port } = JSON.parse(readFileSync(join(dir, 'server.json'), 'utf8')) as Partial<ServerFile>;
    return typeof pid === 'number' && typeof port === 'number' ? { pid, port } : undefined;
  } catch {
    return undefined;
  }
}

function writeFileAtomic(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

function safeReaddir(path: string): string[] {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
}

/** The last lines the server wrote since `from`. */
function logTail(path: string, from: number, lines = 20): string {
  try {
    const fd = openSync(path, 'r');
    try {
      const size = statSync(path).size;
      const start = Math.max(from, size - 8_192);
      const buffer = Buffer.alloc(Math.max(0, size - start));
      readSync(fd, buffer, 0, buffer.length, start);
      return buffer.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}
