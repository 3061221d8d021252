import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { counts, enrollments, ensureBuilt, install, addContacts, scenarioFiles, startWorker, waitFor } from '../../helpers/engine.js';
import { testRedis } from '../../helpers/redis.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';

/**
 * `kill -9` of a worker in the middle of its batches, then a new worker: nobody gets two emails,
 * everybody gets one except the sends reported as "outcome unknown", and those are at most the
 * SMTP transactions in flight when the worker died: the transport's pool, not the batches.
 */

// The configuration the bound is computed from.
const CONTACTS = 2000;
const CONCURRENCY = 4; // `relance worker --concurrency`: batches processed at once by the process
const POOL = 5; // src/transports/smtp: the pool's connections, and so the transactions at once
const IN_FLIGHT_BOUND = POOL; // a send is marked started only once it holds one of the pool's places
const LATENCY_MS = 25; // the sink answers DATA after this: sends are slow, many are in flight

let sink: SmtpSink;
beforeAll(async () => {
  await ensureBuilt();
  sink = await startSmtpSink({ store: false, latency: LATENCY_MS });
}, 240_000);
afterAll(async () => { await sink?.stop(); });

describe('a worker killed mid-batch', () => {
  it(`kill -9 with sends in flight (${CONTACTS} contacts): after a restart, nobody has two emails, everybody one except the reported unknowns`, async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('crash', `  steps:
    - { id: hello, type: email, template: m/x, subject: Hello }
`);
    // Gmail's weekly limit (2,500) is above 2,000: no quota deferral in the way.
    const contacts = Array.from({ length: CONTACTS }, (_, i) => ({ email: `c${i + 1}@gmail.com` }));
    await addContacts(redis, keys, 'people', contacts);
    await install(redis, keys, files.dir, new Date());

    // The dead worker stops beating: after RELANCE_WORKER_TIMEOUT_SECONDS (10) its reservations are
    // free. BullMQ hands its batches to the new worker once their lock (10 s) lapses and the stalled
    // check (every 5 s) finds them: within 15 s of the kill.
    const first = await startWorker({ keys, smtpUrl: sink.url, concurrency: CONCURRENCY });
    const receivedAtKill = await waitFor(async () => {
      const n = (await sink.stats()).messages;
      return n >= 300 ? n : undefined;
    }, 60_000, 'the first worker to send some', 20);
    await first.kill9();
    expect(receivedAtKill).toBeLessThan(CONTACTS);

    // At the kill: reserved but never attempted ("pending"), and attempted ("sending"): only these
    // may have reached the sink without their outcome being recorded.
    const killedAt = Date.now();
    const ledger = await redis.hgetall(keys.ledger('crash'));
    const reservedAtKill = Object.values(ledger).filter((v) => v.startsWith('pending|')).length;
    const pendingAtKill = new Set(Object.entries(ledger).filter(([, v]) => v.startsWith('sending|')).map(([f]) => f.split('|')[0]!));
    const sentAtKill = Object.values(ledger).filter((v) => v.startsWith('sent|')).length;
    expect(reservedAtKill + pendingAtKill.size).toBeGreaterThan(0); // the kill did land mid-batch
    expect(pendingAtKill.size).toBeLessThanOrEqual(IN_FLIGHT_BOUND);
    const afterKill = await sink.stats();
    // Whatever the sink took beyond the recorded sends was in flight: its reply never came back.
    expect(afterKill.messages - sentAtKill).toBeLessThanOrEqual(pendingAtKill.size);

    const second = await startWorker({ keys, smtpUrl: sink.url, concurrency: CONCURRENCY });
    // The dead worker's batches are picked up within 30 s of the kill: every send it had reserved or
    // started has an outcome by then (sent by the new worker, or reported unknown).
    const heldAtKill = Object.entries(ledger).filter(([, v]) => v.startsWith('pending|') || v.startsWith('sending|')).map(([f]) => f);
    await waitFor(async () => {
      const now = await redis.hmget(keys.ledger('crash'), ...heldAtKill);
      return now.every((v) => v !== null && !v.startsWith('pending|') && !v.startsWith('sending|'));
    }, 30_000, "the dead worker's sends to be taken over", 50);
    const resumedAfterMs = Date.now() - killedAt;
    await waitFor(async () => {
      const all = [...(await enrollments(redis, keys, 'crash')).values()];
      return all.length === CONTACTS && all.every((e) => e.status === 'finished');
    }, 150_000, 'every enrollment to finish after the restart', 500);
    expect(await second.stop()).toBe(0);

    const stats = await sink.stats();
    const unknown = new Map(Object.entries(await redis.hgetall(keys.unknownSends())).map(([field, json]) => [field.split('|')[1]!, JSON.parse(json) as { email: string; at: string }]));
    const byRecipient = stats.byRecipient;
    // 1. Nobody received two emails.
    expect(Object.entries(byRecipient).filter(([, n]) => n > 1)).toEqual([]);
    // 2. Everybody received one, except contacts reported as outcome unknown.
    const missing = contacts.map((c, i) => ({ id: String(i + 1), email: c.email })).filter((c) => byRecipient[c.email] !== 1);
    expect(missing.filter((c) => !unknown.has(c.id))).toEqual([]);
    for (const [id, u] of unknown) expect(u.email).toBe(`c${id}@gmail.com`);
    // 3. The unknowns are among the sends in flight at the kill, so at most concurrency × batch size.
    expect([...unknown.keys()].filter((id) => !pendingAtKill.has(id))).toEqual([]);
    expect(unknown.size).toBeLessThanOrEqual(pendingAtKill.size);
    expect(unknown.size).toBeLessThanOrEqual(IN_FLIGHT_BOUND);
    // The restarted worker reported each of them, and counted them, once.
    const reported = second.logs().filter((l) => l.msg === 'batch done').reduce((n, l) => n + Number(l.unknown ?? 0), 0);
    expect(reported).toBe(unknown.size);
    // Every send is settled in the ledger: sent, or marked unknown and reported.
    const final = await redis.hgetall(keys.ledger('crash'));
    expect(Object.keys(final)).toHaveLength(CONTACTS);
    for (const [field, value] of Object.entries(final)) {
      const id = field.split('|')[0]!;
      if (value.startsWith('unknown|')) expect(unknown.has(id)).toBe(true);
      else expect(value).toMatch(/^sent\|/);
    }
    expect(stats.messages).toBe(Object.keys(byRecipient).length);
    expect(stats.messages).toBeGreaterThanOrEqual(CONTACTS - unknown.size);
    expect(await counts(redis, keys, 'crash')).toMatchObject({ '_outcome|end': CONTACTS, _active: 0 });
    console.info(`crash test: ${receivedAtKill} received at the kill, ${reservedAtKill} reserved and never attempted, ${pendingAtKill.size} in flight, ${unknown.size} outcome unknown (${unknown.size - missing.length} of them did arrive), bound ${IN_FLIGHT_BOUND}; sending resumed ${(resumedAfterMs / 1000).toFixed(1)} s after the kill`);
  }, 240_000);
});
