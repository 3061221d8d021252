import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { admitListMembers } from '../../../src/apply/admission.js';
import { scheduleOf } from '../../../src/compile/schedule.js';
import { changeScenarioState } from '../../../src/lifecycle/lifecycle.js';
import { readScenarioRecord, readVersion } from '../../../src/state/scenario-store.js';
import { nextWeekStart, weekStart } from '../../../src/time/week.js';
import { VirtualClock } from '../../../src/time/clock.js';
import { SENDER, addContacts, enrollments, ensureBuilt, install, scenarioFiles, sentTimes, startEngine, startWorker, waitFor } from '../../helpers/engine.js';
import { testRedis } from '../../helpers/redis.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';

/**
 * Weekly quotas under concurrency: three `relance worker` processes (the real CLI, real clock)
 * share one scenario whose Gmail quota is 40, against a real Redis and a real SMTP server.
 */

let sink: SmtpSink;
beforeAll(async () => {
  await ensureBuilt();
  sink = await startSmtpSink({ store: false });
}, 240_000);
beforeEach(async () => { await sink.reset(); });
afterAll(async () => { await sink?.stop(); });

describe('quotas with three worker processes', () => {
  it('150 Gmail and 50 other recipients, Gmail quota 40: exactly 40 + 50 sent, once each; 110 deferred to next week', async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('quota', `  quotas: { gmail: 40 }
  steps:
    - { id: hello, type: email, template: m/x, subject: Hello }
`);
    // Interleaved: every batch mixes Gmail and other recipients.
    const contacts = Array.from({ length: 200 }, (_, i) => (i % 4 === 3 ? { email: `user${i}@corp${i}.example` } : { email: `user${i}@gmail.com` }));
    const gmail = contacts.filter((c) => c.email.endsWith('@gmail.com')).map((c) => c.email);
    expect(gmail).toHaveLength(150);

    // Enrolled over 8 minutes, 25 at a time, so the sweep makes 8 batches for the workers to share.
    const start = Date.now();
    const minute = 60_000;
    await addContacts(redis, keys, 'people', contacts.slice(0, 25), 1);
    await install(redis, keys, files.dir, new Date(start - 8 * minute));
    const record = (await readScenarioRecord(redis, keys, 'quota'))!;
    const version = (await readVersion(redis, keys, 'quota', record.digest))!;
    for (let g = 1; g < 8; g++) {
      await addContacts(redis, keys, 'people', contacts.slice(g * 25, g * 25 + 25), 1 + g * 25);
      const admitted = await admitListMembers(redis, keys, { name: 'quota', version: record.digest.slice(0, 12), entry: version.graph.entry, scenario: version.scenario, schedule: scheduleOf(version), now: new Date(start - (8 - g) * minute) });
      expect(admitted).toEqual({ admitted: 25, blocked: 0, already: g * 25 });
    }
    expect(await redis.zcard(keys.dueIndex())).toBe(8);

    // Paused while the three workers start, so that none of them gets a head start.
    await changeScenarioState(redis, keys, 'quota', 'pause');
    const workers = await Promise.all([0, 1, 2].map(() => startWorker({ keys, smtpUrl: sink.url, concurrency: 2 })));
    await changeScenarioState(redis, keys, 'quota', 'resume');

    await waitFor(async () => {
      const all = [...(await enrollments(redis, keys, 'quota')).values()];
      return all.length === 200 && all.every((e) => e.status === 'finished' || e.status === 'deferred');
    }, 60_000, 'every enrollment to be sent or deferred', 250);
    const end = Date.now();

    const stats = await sink.stats();
    const received = Object.entries(stats.byRecipient);
    expect(received.every(([, n]) => n === 1)).toBe(true); // nobody twice
    expect(received.filter(([a]) => a.endsWith('@gmail.com'))).toHaveLength(40);
    expect(received.filter(([a]) => !a.endsWith('@gmail.com'))).toHaveLength(50);
    expect(stats.messages).toBe(90);

    const byId = await enrollments(redis, keys, 'quota');
    const deferred = [...byId.entries()].filter(([, e]) => e.status === 'deferred');
    expect(deferred).toHaveLength(110);
    // Deferred to the start of next week (the scenario's zone: UTC), never dropped.
    const next = nextWeekStart(new Date(start), 'UTC').getTime() / 1000;
    expect(nextWeekStart(new Date(end), 'UTC').getTime() / 1000).toBe(next); // (not run across a week boundary)
    for (const [id, e] of deferred) {
      expect(contacts[Number(id) - 1]!.email).toMatch(/@gmail\.com$/);
      expect(stats.byRecipient[contacts[Number(id) - 1]!.email]).toBeUndefined();
      expect(e).toMatchObject({ step: 'hello', due: next });
    }
    expect([...byId.values()].filter((e) => e.status === 'finished')).toHaveLength(90);
    const week = weekStart(new Date(start), 'UTC').toISOString().slice(0, 10);
    expect(await redis.get(keys.quota(SENDER, 'gmail', week))).toBe('40');
    expect(await redis.get(keys.quota(SENDER, 'others', week))).toBe('50');
    // The deferred wait in next week's bucket.
    const bucket = await redis.lrange(keys.dueBucket('quota', next / 60), 0, -1);
    expect(bucket.sort()).toEqual(deferred.map(([id]) => id).sort());

    // The work was shared: batches were done by more than one process, and they add up.
    const done = workers.map((w) => w.logs().filter((l) => l.msg === 'batch done' && Number(l.processed) > 0));
    expect(done.filter((d) => d.length > 0).length).toBeGreaterThanOrEqual(2);
    const sum = (k: string) => done.flat().reduce((n, l) => n + Number(l[k] ?? 0), 0);
    expect({ processed: sum('processed'), sent: sum('sent'), deferred: sum('deferred') }).toEqual({ processed: 200, sent: 90, deferred: 110 });

    expect(await Promise.all(workers.map((w) => w.stop()))).toEqual([0, 0, 0]);
  }, 120_000);

  it('a deferred send goes out the next week, within that week\'s quota, and is never dropped (virtual clock)', async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('weekly', `  quotas: { gmail: 2 }
  steps:
    - { id: hello, type: email, template: m/x, subject: Hello }
`);
    const ids = await addContacts(redis, keys, 'people', Array.from({ length: 5 }, (_, i) => ({ email: `weekly${i + 1}@gmail.com` })));
    const T0 = new Date('2026-06-03T08:00:00Z'); // a Wednesday
    await install(redis, keys, files.dir, T0);
    const t = startEngine({ redis, keys, clock: new VirtualClock(T0), smtpUrl: sink.url });
    await t.runTo('2026-06-04T00:00:00Z');
    const e = await enrollments(redis, keys, 'weekly');
    expect([...e.values()].filter((x) => x.status === 'deferred').map((x) => x.due)).toEqual([1, 2, 3].map(() => Date.parse('2026-06-08T00:00:00Z') / 1000));
    await t.runTo('2026-07-01T00:00:00Z');

    const times = await Promise.all(ids.map(async (id) => (await sentTimes(redis, keys, 'weekly', id)).hello));
    const perSlot = times.reduce<Record<string, number>>((acc, at) => ({ ...acc, [at!]: (acc[at!] ?? 0) + 1 }), {});
    // Two this week, two on Monday 00:00 (UTC, the scenario's zone), the last one the Monday after.
    expect(perSlot).toEqual({ '2026-06-03T08:00:00.000Z': 2, '2026-06-08T00:00:00.000Z': 2, '2026-06-15T00:00:00.000Z': 1 });
    expect([...(await enrollments(redis, keys, 'weekly')).values()].every((x) => x.status === 'finished')).toBe(true);
    const received = Object.entries((await sink.stats()).byRecipient).filter(([a]) => a.startsWith('weekly'));
    expect(received.sort()).toEqual(ids.map((_, i) => [`weekly${i + 1}@gmail.com`, 1]));
  });
});
