import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../../src/enroll/run-doctor.js';
import { IN_FLIGHT_S } from '../../../src/execute/ledger.js';
import { queuedIds, stepsQueue } from '../../../src/schedule/queue.js';
import { Keys } from '../../../src/state/keys.js';
import { addContacts, enrollments, ensureBuilt, install, scenarioFiles, startWorker, waitFor, type WorkerProcess } from '../../helpers/engine.js';
import { startPrivateRedis } from '../../helpers/private-redis.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';

/**
 * Redis restarted under two `relance worker` processes, as an operator would meet it: a clean
 * SHUTDOWN, then a kill -9, on a private redis-server with AOF on every write. The workers ride
 * both out by themselves: nobody gets two emails, and every contact gets one or is reported as
 * a send of unknown outcome, those being among the sends reserved and unsettled at a restart.
 */

const CONTACTS = 2000;
const CONCURRENCY = 4;
const LATENCY_MS = 40; // the sink answers DATA after this: a run lasts long enough for two restarts
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const run = promisify(execFile);

let sink: SmtpSink;
beforeAll(async () => {
  await ensureBuilt();
  sink = await startSmtpSink({ store: false, latency: LATENCY_MS });
}, 240_000);
afterAll(async () => { await sink?.stop(); });

/** Ledger entries reserved and not settled (no sent, failed or unknown outcome): contact ids. */
async function unsettled(redis: Redis, keys: Keys, scenario: string): Promise<Set<string>> {
  const ledger = await redis.hgetall(keys.ledger(scenario));
  return new Set(Object.entries(ledger).filter(([, v]) => !/^(sent|failed|unknown)\|/.test(v)).map(([f]) => f.split('|')[0]!));
}

/** For a failure message: where the contacts that did not finish are, and who holds their reservations. */
async function stuck(redis: Redis, keys: Keys, scenario: string, workers: WorkerProcess[]): Promise<string> {
  const waiting = [...(await enrollments(redis, keys, scenario)).entries()].filter(([, e]) => e.status !== 'finished');
  const ledger = await redis.hgetall(keys.ledger(scenario));
  const owners: Record<string, number> = {};
  for (const [id] of waiting) {
    const entry = Object.entries(ledger).find(([f]) => f.startsWith(`${id}|`));
    const key = entry ? entry[1].split('|').slice(0, 2).join('|').replace(/\/[^/]*$/, '/<batch>') : 'no ledger entry';
    owners[key] = (owners[key] ?? 0) + 1;
  }
  const due = new Set(waiting.map(([, e]) => new Date(e.due * 1000).toISOString()));
  const statuses = [...new Set(waiting.map(([, e]) => e.status))];
  const queue = stepsQueue(redis, keys);
  const jobs = await queue.getJobCounts().finally(() => queue.close());
  const buckets = await redis.zrange(keys.dueIndex(), 0, -1);
  return `${waiting.length} contacts not finished (${statuses.join(', ')}, due ${[...due].join(', ')}; jobs ${JSON.stringify(jobs)}; due buckets ${buckets.join(', ') || 'none'}); their ledger entries: ${JSON.stringify(owners)}; live workers: ${workers.map((w) => w.pid).join(', ')}; heartbeats: ${JSON.stringify(await redis.hgetall(keys.workers()))}`;
}

async function received(): Promise<number> {
  return (await sink.stats()).messages;
}

/** Waits until the sink has taken `n` more messages than now: sending goes on. */
async function moreSent(n: number, what: string): Promise<number> {
  const from = await received();
  return waitFor(async () => ((await received()) >= from + n ? received() : undefined), 30_000, what, 50);
}

describe('Redis restarts under running workers', () => {
  it(`SHUTDOWN, then kill -9, of Redis mid-run (${CONTACTS} contacts, 2 workers): sending resumes by itself, 0 duplicates, every contact served or reported unknown`, async () => {
    const server = await startPrivateRedis();
    const redis = server.client();
    const keys = new Keys(`test-${randomUUID().slice(0, 8)}`);
    const files = scenarioFiles();
    files.scenario('restart', `  steps:
    - { id: hello, type: email, template: m/x, subject: Hello }
`);
    const contacts = Array.from({ length: CONTACTS }, (_, i) => ({ email: `r${i + 1}@gmail.com` }));
    await addContacts(redis, keys, 'people', contacts);
    await install(redis, keys, files.dir, new Date());
    await sink.reset();

    const env = { RELANCE_IN_FLIGHT_SECONDS: '15', RELANCE_REDIS_DOWN_EXIT_SECONDS: '60' };
    const workers: WorkerProcess[] = [];
    for (let i = 0; i < 2; i++) workers.push(await startWorker({ keys, smtpUrl: sink.url, concurrency: CONCURRENCY, redisUrl: server.url, env }));

    // (a) A clean SHUTDOWN: Redis flushes its AOF and exits; the workers see their connections close.
    await waitFor(async () => ((await received()) >= 300 ? true : undefined), 60_000, 'the first sends', 20);
    await server.shutdown();
    const atShutdown = await received();
    const unsettledA = await server.peek((r) => unsettled(r, keys, 'restart'));
    await server.start();
    const afterA = await moreSent(300, 'sending to resume after the SHUTDOWN and restart');

    // (b) kill -9: nothing flushed at exit, but appendfsync always kept every acknowledged write.
    await server.kill9();
    const atKill = await received();
    const unsettledB = await server.peek((r) => unsettled(r, keys, 'restart'));
    await server.start();
    expect(atKill).toBeLessThan(CONTACTS); // the kill did land mid-run
    await waitFor(async () => {
      const all = [...(await enrollments(redis, keys, 'restart')).values()];
      return all.length === CONTACTS && all.every((e) => e.status === 'finished');
    }, 60_000, 'every enrollment to finish after the second restart', 250).catch(async (err: Error) => {
      throw new Error(`${err.message}\n${await stuck(redis, keys, 'restart', workers)}`);
    });

    for (const w of workers) expect(await w.stop()).toBe(0); // both rode the restarts out
    const stats = await sink.stats();
    const unknown = new Map(Object.entries(await redis.hgetall(keys.unknownSends())).map(([field, json]) => [field.split('|')[1]!, JSON.parse(json) as { email: string }]));
    // 1. Nobody received two emails.
    expect(Object.entries(stats.byRecipient).filter(([, n]) => n > 1)).toEqual([]);
    // 2. Everybody received one, except contacts reported as outcome unknown.
    const missing = contacts.map((c, i) => ({ id: String(i + 1), email: c.email })).filter((c) => stats.byRecipient[c.email] !== 1);
    expect(missing.filter((c) => !unknown.has(c.id))).toEqual([]);
    // 3. The unknowns were reserved and unsettled when Redis went away (bound made exact by the send path's own work).
    const inFlight = new Set([...unsettledA, ...unsettledB]);
    expect([...unknown.keys()].filter((id) => !inFlight.has(id))).toEqual([]);
    expect(unknown.size).toBeLessThanOrEqual(inFlight.size);
    // 4. Each worker reported each outage once, not every second.
    for (const w of workers) {
      const lines = w.logs();
      expect(lines.filter((l) => String(l.msg).startsWith('Redis is unreachable')).length).toBeLessThanOrEqual(2);
      expect(lines.filter((l) => String(l.msg).startsWith('sweep failed')).length).toBeLessThanOrEqual(2);
      expect(lines.filter((l) => l.level === 60)).toEqual([]); // nothing fatal
    }
    // 5. The running state is consistent.
    const queue = stepsQueue(redis, keys);
    try {
      const { differences } = await runDoctor(redis, keys, { now: new Date(), inFlightSeconds: IN_FLIGHT_S, queued: () => queuedIds(queue) });
      expect(differences).toEqual([]);
    } finally {
      await queue.close();
    }
    console.info(`redis restart test: ${atShutdown} received at the SHUTDOWN (${unsettledA.size} unsettled), ${afterA} after resuming, ${atKill} at the kill -9 (${unsettledB.size} unsettled); ${stats.messages} received in all, ${unknown.size} outcome unknown`);
  }, 120_000);
});

describe('Redis down for good', () => {
  it('a worker exits 69 with a clear log line once Redis has been unreachable for RELANCE_REDIS_DOWN_EXIT_SECONDS', async () => {
    const server = await startPrivateRedis();
    const keys = new Keys(`test-${randomUUID().slice(0, 8)}`);
    const worker = await startWorker({ keys, smtpUrl: sink.url, redisUrl: server.url, env: { RELANCE_REDIS_DOWN_EXIT_SECONDS: '3' } });
    await server.kill9();
    const started = Date.now();
    const { code } = await worker.exited;
    const waited = (Date.now() - started) / 1000;
    expect(code).toBe(69);
    expect(waited).toBeGreaterThanOrEqual(2.5);
    expect(waited).toBeLessThan(15);
    const fatal = worker.logs().find((l) => l.level === 60);
    expect(fatal?.msg).toMatch(/Redis has been unreachable for \d+(\.\d)? s .*RELANCE_REDIS_DOWN_EXIT_SECONDS=3/);
    expect(worker.stderr()).toContain('relance: Redis has been unreachable');
    expect(worker.logs().some((l) => String(l.msg).startsWith('Redis is unreachable'))).toBe(true);
  }, 60_000);

  it('`relance health` answers ready (0) with Redis up, not ready (1) with it down', async () => {
    const server = await startPrivateRedis();
    const health = (args: string[] = []) => run(process.execPath, ['bin/relance.js', 'health', ...args], { cwd: ROOT, env: { ...process.env, REDIS_URL: server.url } })
      .then(({ stdout }) => ({ code: 0, stdout }), (err: { code: number; stdout: string }) => ({ code: err.code, stdout: err.stdout }));

    const up = await health();
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/^ready\n {2}redis {4}redis:\/\/127\.0\.0\.1:\d+: PING [\d.]+ ms, master\n {2}scripts {2}\d+ Lua scripts load\n$/);
    const json = await health(['--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ready: true, redis: { ok: true, role: 'master' }, scripts: { ok: true } });

    await server.kill9();
    const down = await health();
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/^not ready\n {2}redis {4}cannot connect to Redis at redis:\/\/127\.0\.0\.1:\d+: connect ECONNREFUSED/);
  }, 60_000);
});
