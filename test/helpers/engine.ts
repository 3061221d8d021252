import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, afterEach } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { templateDeliverer } from '../../src/execute/deliverer.js';
import { Engine } from '../../src/execute/engine.js';
import type { BatchStats } from '../../src/execute/process-batch.js';
import type { BatchJob } from '../../src/schedule/queue.js';
import { httpWebhooks } from '../../src/execute/webhook-caller.js';
import { makePlan } from '../../src/plan/make-plan.js';
import { unpackEnrollment, type Enrollment } from '../../src/state/enrollment.js';
import type { Keys } from '../../src/state/keys.js';
import type { VirtualClock } from '../../src/time/clock.js';
import { createTransport } from '../../src/transports/index.js';
import type { Transport } from '../../src/transports/types.js';
import { validatePaths } from '../../src/validate/validate.js';
import { runDoctor } from '../../src/enroll/run-doctor.js';
import { IN_FLIGHT_S } from '../../src/execute/ledger.js';
import { queuedIds, stepsQueue } from '../../src/schedule/queue.js';
import { REDIS_URL, checkBeforeCleanup } from './redis.js';

/**
 * Helpers for the engine's integration tests: scenario files written inline, the in-process
 * engine on a virtual clock with the real SMTP transport, a signed-webhook receiver, and
 * `relance worker` processes. Everything started here is stopped after each test.
 */

/** The token secret of every test engine and worker (≥ 16 bytes). */
export const SECRET = 'relance-integration-test-secret-0123456789';
export const SENDER = 'news@acme.test';

const cleanups: Array<() => Promise<void> | void> = [];

/** Registers something to undo after the current test (run last-in, first-out). */
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

afterEach(async () => {
  const errors: unknown[] = [];
  for (const fn of cleanups.splice(0).reverse()) {
    try { await fn(); } catch (err) { errors.push(err); }
  }
  if (errors.length) throw errors[0];
});

/**
 * After every engine test, once its engines and workers are stopped, `relance doctor` must find
 * the running state clean: counts, totals, the blocked queue and the schedule all match the
 * enrollments (vitest runs this file's afterEach above before the prefix is deleted).
 */
let doctorClock: () => Date = () => new Date();
checkBeforeCleanup(async (redis, keys) => {
  const queue = stepsQueue(redis, keys);
  try {
    const { differences } = await runDoctor(redis, keys, { now: doctorClock(), inFlightSeconds: IN_FLIGHT_S, queued: () => queuedIds(queue) });
    if (differences.length) throw new Error(`relance doctor after the test:\n${differences.map((d) => `  ${d.scenario}: ${d.kind}: ${d.what}`).join('\n')}`);
  } finally {
    await queue.close();
    doctorClock = () => new Date();
  }
});

// ---------------------------------------------------------------------------------------------
// Scenario files

export interface ScenarioFiles {
  dir: string;
  /**
   * Writes `<name>.yaml`: `spec` is the YAML under `spec:` (indented by two spaces), without
   * `entry` and `sender` unless `entry`/`sender` are given as false. Every `template: X` it names
   * gets an `X.html.hbs` (unless already written with `template()`).
   */
  scenario(name: string, spec: string, options?: { list?: string; entry?: boolean; sender?: boolean }): void;
  template(path: string, html: string): void;
}

export function scenarioFiles(): ScenarioFiles {
  const dir = mkdtempSync(join(tmpdir(), 'relance-engine-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  return {
    dir,
    template: (path, html) => write(`${path}.html.hbs`, html),
    scenario(name, spec, options = {}) {
      const head = [
        'apiVersion: relance/v1',
        'kind: Scenario',
        `metadata: { name: ${name}, title: ${name} }`,
        'spec:',
        ...(options.entry === false ? [] : [`  entry: { lists: [${options.list ?? 'people'}] }`]),
        ...(options.sender === false ? [] : [`  sender: { name: Acme News, email: ${SENDER} }`]),
      ];
      write(`${name}.yaml`, `${head.join('\n')}\n${spec.replace(/\n*$/, '\n')}`);
      for (const m of spec.matchAll(/template: ([A-Za-z0-9_./-]+)/g)) {
        const base = m[1]!;
        if (!existsSync(join(dir, `${base}.html.hbs`))) write(`${base}.html.hbs`, `<p>Hello {{default firstName "there"}}, this is {{step.id}}.</p>\n`);
      }
    },
  };
}

/** Validates, plans and applies every scenario of `dir` at `now` (admission is scheduled then). */
export async function install(redis: Redis, keys: Keys, dir: string, now: Date) {
  const validation = await validatePaths([dir]);
  if (validation.errors.length) throw new Error(JSON.stringify(validation.errors, null, 1));
  const plan = await makePlan(redis, keys, validation, { paths: [dir], now });
  if (plan.problems.length) throw new Error(plan.problems.join('\n'));
  return applyPlan(redis, keys, plan, { now });
}

/** Contacts written straight into the store, ids from `startId`, members of `list`. */
export async function addContacts(redis: Redis, keys: Keys, list: string, contacts: Array<Record<string, unknown>>, startId = 1): Promise<string[]> {
  const tx = redis.multi();
  const ids: string[] = [];
  contacts.forEach((c, i) => {
    const id = String(startId + i);
    ids.push(id);
    tx.hset(keys.contactIds(), String(c.email).toLowerCase(), id).hset(keys.contactData(), id, JSON.stringify(c)).sadd(keys.list(list), id);
  });
  tx.sadd(keys.lists(), list).set(keys.contactSeq(), startId + contacts.length - 1);
  await tx.exec();
  return ids;
}

// ---------------------------------------------------------------------------------------------
// Reading the running state

export async function enrollments(redis: Redis, keys: Keys, scenario: string): Promise<Map<string, Enrollment>> {
  const all = await redis.hgetall(keys.enrollments(scenario));
  return new Map(Object.entries(all).map(([id, v]) => [id, unpackEnrollment(v)]));
}

export async function enrollmentOf(redis: Redis, keys: Keys, scenario: string, id: string): Promise<Enrollment | undefined> {
  const v = await redis.hget(keys.enrollments(scenario), id);
  return v ? unpackEnrollment(v) : undefined;
}

export async function contactFields(redis: Redis, keys: Keys, id: string): Promise<Record<string, unknown>> {
  return JSON.parse((await redis.hget(keys.contactData(), id)) ?? '{}') as Record<string, unknown>;
}

/** The ledger's entries of one contact: step → { state, at (virtual epoch seconds) }. */
export async function ledgerOf(redis: Redis, keys: Keys, scenario: string, id: string): Promise<Record<string, { state: string; at: number; value: string }>> {
  const out: Record<string, { state: string; at: number; value: string }> = {};
  for (const [field, value] of Object.entries(await redis.hgetall(keys.ledger(scenario)))) {
    const [contact, step] = field.split('|');
    if (contact !== id) continue;
    out[step!] = { state: value.split('|')[0]!, at: Number(value.slice(value.lastIndexOf('|') + 1)), value };
  }
  return out;
}

/** When (ISO, virtual clock) each email step was sent to the contact, from the ledger. */
export async function sentTimes(redis: Redis, keys: Keys, scenario: string, id: string): Promise<Record<string, string>> {
  const ledger = await ledgerOf(redis, keys, scenario, id);
  return Object.fromEntries(Object.entries(ledger).filter(([, e]) => e.state === 'sent').map(([step, e]) => [step, new Date(e.at * 1000).toISOString()]));
}

export async function counts(redis: Redis, keys: Keys, scenario: string): Promise<Record<string, number>> {
  return Object.fromEntries(Object.entries(await redis.hgetall(keys.counts(scenario))).map(([k, v]) => [k, Number(v)]));
}

/** `counts` rows summed by status (versions and steps folded), zero rows dropped. */
export async function statusTotals(redis: Redis, keys: Keys, scenario: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [field, n] of Object.entries(await counts(redis, keys, scenario))) {
    if (field.startsWith('_')) continue;
    const status = field.split('|')[2]!;
    out[status] = (out[status] ?? 0) + n;
  }
  return Object.fromEntries(Object.entries(out).filter(([, n]) => n !== 0));
}

// ---------------------------------------------------------------------------------------------
// The in-process engine

export interface TestEngine {
  engine: Engine;
  clock: VirtualClock;
  transport: Transport;
  batches: Array<{ stats: BatchStats; job: BatchJob; at: string }>;
  /** Runs the engine up to `until`, then sets the clock there (events can happen at `until`). */
  runTo(until: Date | string, hooks?: Parameters<Engine['runUntil']>[2]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * An Engine with its BullMQ worker started (unless `startWorker: false`: call engine.startWorker()), sending through the SMTP transport to `smtpUrl`,
 * rendering the templates apply published, calling webhooks for real (payload times on the
 * virtual clock). Sweeps happen in `runTo` (Engine.runUntil), never on a timer.
 */
export function startEngine(options: {
  redis: Redis; keys: Keys; clock: VirtualClock; smtpUrl: string; env?: NodeJS.ProcessEnv; concurrency?: number; startWorker?: boolean;
  /** The base URL of links in emails (RELANCE_PUBLIC_URL): a test's own `relance serve`. */
  publicUrl?: string;
  /** The BullMQ worker's connection (a Cluster's duplicate, say); a new one to REDIS_URL by default. Closed on stop. */
  workerRedis?: Redis;
}): TestEngine {
  const { redis, keys, clock } = options;
  // In-process engines run on a virtual clock: the doctor judges in-flight sends by it.
  doctorClock = () => clock.now();
  const workerRedis = options.workerRedis ?? new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const transport = createTransport({ kind: 'smtp', url: options.smtpUrl });
  const batches: TestEngine['batches'] = [];
  const engine = new Engine({
    redis, workerRedis, keys, clock, workerId: 'test-engine',
    deliverer: templateDeliverer({ redis, keys, transport, secret: SECRET, clock, templateTtlMs: 0, publicUrl: options.publicUrl }),
    webhooks: httpWebhooks({ env: { ...process.env, ...options.env }, now: () => clock.now() }),
    concurrency: options.concurrency ?? 2,
    onBatch: (stats, job) => batches.push({ stats, job, at: clock.now().toISOString() }),
  });
  if (options.startWorker !== false) engine.startWorker();
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= (async () => {
    await engine.stop();
    await transport.close();
    await workerRedis.quit().catch(() => workerRedis.disconnect());
  })());
  onCleanup(stop);
  return {
    engine, clock, transport, batches, stop,
    async runTo(until, hooks) {
      const at = typeof until === 'string' ? new Date(until) : until;
      await withTimeout(engine.runUntil(clock, at, hooks), 60_000, `runUntil ${at.toISOString()}`);
      if (clock.now().getTime() < at.getTime()) clock.set(at);
    },
  };
}

export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no result after ${ms} ms`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `check` every `every` ms until it returns a truthy value; fails after `ms`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false | null>, ms: number, what: string, every = 100): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

// ---------------------------------------------------------------------------------------------
// A webhook receiver that checks relance's signature

export interface HookCall {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
  /** The x-relance-signature header verified against the secret (t=…,v1=hex(hmac(t.body))). */
  signatureValid: boolean;
  /** What the server answered. */
  status: number;
}

export interface HookServer {
  url: string;
  calls: HookCall[];
  /** Status codes to answer with, in order, per path; then 200. */
  failNext(path: string, statuses: number[]): void;
  close(): Promise<void>;
}

export function verifySignature(secret: string, header: string | undefined, body: string): boolean {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header ?? '');
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(`${m[1]}.${body}`).digest();
  return timingSafeEqual(expected, Buffer.from(m[2]!, 'hex'));
}

export async function startHookServer(secret: string): Promise<HookServer> {
  const calls: HookCall[] = [];
  const failures = new Map<string, number[]>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      const status = failures.get(path)?.shift() ?? 200;
      let json: Record<string, unknown> = {};
      try { json = JSON.parse(body) as Record<string, unknown>; } catch { /* recorded as is */ }
      const header = req.headers['x-relance-signature'];
      calls.push({ method: req.method ?? '', path, headers: req.headers, body, json, signatureValid: verifySignature(secret, typeof header === 'string' ? header : undefined, body), status });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  let closed: Promise<void> | undefined;
  const hooks: HookServer = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    failNext: (path, statuses) => failures.set(path, [...statuses]),
    close: () => (closed ??= new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); })),
  };
  onCleanup(hooks.close);
  return hooks;
}

// ---------------------------------------------------------------------------------------------
// `relance worker` processes (dist/ must be built: ensureBuilt)

const ROOT = join(dirname(new URL(import.meta.url).pathname), '..', '..');
const run = promisify(execFile);

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

function buildIsStale(): boolean {
  const main = join(ROOT, 'dist', 'cli', 'main.js');
  if (!existsSync(main) || !existsSync(join(ROOT, 'dist', 'schema', 'validate-scenario.cjs'))) return true;
  return newest(join(ROOT, 'src')) > statSync(main).mtimeMs;
}

/**
 * Runs `npm run build` when dist/ is missing or older than src/. Test files run in parallel: a
 * lock directory makes one of them build while the others wait for it.
 */
export async function ensureBuilt(): Promise<void> {
  const lock = join(tmpdir(), `relance-build-${Buffer.from(ROOT).toString('hex').slice(-24)}.lock`);
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (!buildIsStale()) return;
    try {
      mkdirSync(lock);
    } catch {
      // Someone else is building; a lock left by a killed run is taken over after 3 minutes.
      if (Date.now() - statSync(lock, { throwIfNoEntry: false })!.mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('waited 3 minutes for another test file to build dist/');
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    try {
      try {
        await run('npm', ['run', 'build'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
      } catch (err) {
        const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
        throw new Error(`npm run build failed (the worker processes run dist/):\n${stdout}${stderr.replace(/^npm warn .*\n/gm, '')}`);
      }
      // tsc leaves unchanged outputs alone: touch the entry so the staleness check sees the build.
      const main = join(ROOT, 'dist', 'cli', 'main.js');
      const now = new Date();
      utimesSync(main, now, now);
      return;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

export interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  /** pino JSON lines the worker wrote so far. */
  logs(): Array<Record<string, unknown>>;
  stderr(): string;
  /** SIGTERM, then waits for the exit (SIGKILL after `ms`). Returns the exit code. */
  stop(ms?: number): Promise<number | null>;
  /** SIGKILL (kill -9), and waits for the exit. */
  kill9(): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();
process.once('exit', () => { for (const c of children) c.kill('SIGKILL'); });
afterAll(() => { for (const c of children) c.kill('SIGKILL'); children.clear(); });

/** Starts `node bin/relance.js worker` on the test's prefix, sending to `smtpUrl`, on REDIS_URL unless `redisUrl` names another Redis. */
export async function startWorker(options: { keys: Keys; smtpUrl: string; concurrency?: number; sweep?: boolean; redisUrl?: string; env?: NodeJS.ProcessEnv }): Promise<WorkerProcess> {
  const args = ['bin/relance.js', 'worker', '--concurrency', String(options.concurrency ?? 4)];
  if (options.sweep === false) args.push('--no-sweep');
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      ...process.env,
      RELANCE_PREFIX: options.keys.prefix.replace(/^\{|\}$/g, ''),
      REDIS_URL: options.redisUrl ?? REDIS_URL,
      SMTP_URL: options.smtpUrl,
      RELANCE_SECRET: SECRET,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  const lines: Array<Record<string, unknown>> = [];
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    let nl: number;
    while ((nl = out.indexOf('\n')) >= 0) {
      const line = out.slice(0, nl);
      out = out.slice(nl + 1);
      try { lines.push(JSON.parse(line) as Record<string, unknown>); } catch { lines.push({ msg: line }); }
    }
  });
  child.stderr!.on('data', (c: Buffer) => { err += c.toString(); });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => { children.delete(child); resolve({ code, signal }); }));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const worker: WorkerProcess = {
    child,
    pid: child.pid!,
    logs: () => lines,
    stderr: () => err,
    exited,
    async stop(ms = 20_000) {
      if (!alive()) return (await exited).code;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), ms);
      const { code } = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill9() {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
  };
  onCleanup(async () => { await worker.stop(5_000); });
  await Promise.race([
    waitFor(async () => lines.some((l) => l.msg === 'engine started'), 20_000, `worker ${child.pid} to start (stderr: ${err})`, 50),
    exited.then(({ code }) => { throw new Error(`worker exited (${code}) before starting: ${err}`); }),
  ]);
  return worker;
}
