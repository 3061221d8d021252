/**
 * Real processes for the Redis startup tests: throwaway redis-servers, temp dirs and child
 * relance processes, every one tracked so `cleanUp()` (afterEach) ends it even when a test fails.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import type { EmbeddedRedis } from '../../../src/state/embedded-redis.js';

const processes: ChildProcess[] = [];
const dirs: string[] = [];
const handles: EmbeddedRedis[] = [];

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'relance-redis-'));
  dirs.push(dir);
  return dir;
}

/** Registers an embedded handle so cleanUp() stops it. */
export function track<T extends EmbeddedRedis>(handle: T): T {
  handles.push(handle);
  return handle;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

/** A redis-server of our own on a free port, without persistence, with extra config arguments. */
export async function throwawayRedis(...args: string[]): Promise<{ port: number; url: string }> {
  const port = await freePort();
  const dir = tempDir();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...args], { stdio: 'ignore' });
  processes.push(child);
  if (!(await waitUntil(() => answers(port)))) throw new Error(`throwaway redis-server on port ${port} did not start`);
  return { port, url: `redis://127.0.0.1:${port}` };
}

/** Whether a Redis answers PING on the port. */
export async function answers(port: number): Promise<boolean> {
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 1_000 });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** True when no process has the pid (a zombie counts as gone: it only waits for its parent). */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls until `check` holds; false when it still does not after `timeoutMs` (a bound, not a measure). */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(50);
  }
  return false;
}

// --- relance in another process ---

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
let built: string | undefined;

/**
 * Transpiles embedded-redis.ts and its imports into a temp dir that plain `node` can run, so a
 * test can start the server from another process and kill that process.
 */
async function buildChildScript(): Promise<string> {
  if (built) return built;
  const ts = (await import('typescript')).default;
  const out = mkdtempSync(join(tmpdir(), 'relance-build-'));
  const ioredis = pathToFileURL(createRequire(import.meta.url).resolve('ioredis')).href;
  for (const file of ['src/errors.ts', 'src/util/find-program.ts', 'src/state/redis-config.ts', 'src/state/redis.ts', 'src/state/embedded-redis.ts']) {
    const source = readFileSync(join(root, file), 'utf8');
    const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } });
    const target = join(out, file.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, outputText.replace(/from 'ioredis'/g, `from '${ioredis}'`));
  }
  // argv: dir, then `exit` to call process.exit() once started, else wait to be signalled.
  writeFileSync(join(out, 'child.mjs'), [
    "import { startEmbeddedRedis } from './src/state/embedded-redis.js';",
    'const redis = await startEmbeddedRedis({ dir: process.argv[2] });',
    'console.log(JSON.stringify({ pid: redis.pid, port: redis.port, started: redis.started }));',
    "if (process.argv[3] === 'exit') process.exit(0);",
    'setInterval(() => {}, 1 << 30);',
  ].join('\n'));
  built = join(out, 'child.mjs');
  return built;
}

/** afterAll: removes the transpiled child script. */
export function removeChildScript(): void {
  if (built) rmSync(dirname(built), { recursive: true, force: true });
  built = undefined;
}

export interface ChildRelance {
  process: ChildProcess;
  server: { pid: number; port: number; started: boolean };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A node process that starts the embedded server on `dir` and reports it on its first line. */
export async function childRelance(dir: string, mode: 'wait' | 'exit' = 'wait'): Promise<ChildRelance> {
  const child = spawn(process.execPath, [await buildChildScript(), dir, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  processes.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  const lines = createInterface({ input: child.stdout! });
  const first = await Promise.race([
    new Promise<string>((done) => lines.once('line', done)),
    exited.then(() => { throw new Error(`child relance exited before starting Redis: ${stderr}`); }),
  ]);
  return { process: child, server: JSON.parse(first) as ChildRelance['server'], exited };
}

/** afterEach: stop handles, kill every process we started and any server left in our dirs. */
export async function cleanUp(): Promise<void> {
  for (const handle of handles.splice(0)) await handle.stop().catch(() => {});
  for (const child of processes.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGKILL');
    await exited; // reaped here, not left as a zombie
  }
  for (const dir of dirs.splice(0)) {
    try {
      const { pid } = JSON.parse(readFileSync(join(dir, 'server.json'), 'utf8')) as { pid: number };
      if (!isGone(pid)) process.kill(pid, 'SIGKILL');
    } catch { /* no server recorded */ }
    // the subdir an embedded test used
    try {
      const { pid } = JSON.parse(readFileSync(join(dir, 'redis', 'server.json'), 'utf8')) as { pid: number };
      if (!isGone(pid)) process.kill(pid, 'SIGKILL');
    } catch { /* no server recorded */ }
    rmSync(dir, { recursive: true, force: true });
  }
}
