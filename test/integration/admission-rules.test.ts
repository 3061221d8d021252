import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/execute/engine.js';
import type { Deliverer } from '../../src/execute/effects.js';
import { changeContactState } from '../../src/lifecycle/lifecycle.js';
import { readCounts } from '../../src/enroll/read.js';
import { VirtualClock } from '../../src/time/clock.js';
import { planAndApply, seedContacts } from '../helpers/reconciler.js';
import { REDIS_URL, testRedis } from '../helpers/redis.js';
import { tempDir } from '../helpers/temp-dir.js';

const scenario = (name: string, extra: string) => `apiVersion: relance/v1
kind: Scenario
metadata: { name: ${name} }
spec:
  entry: { lists: [l] }
  sender: { email: a@acme.test }
${extra}
  steps:
    - { id: hi, type: email, template: m/x, subject: Hi }
    - { id: pause, type: wait, for: 1 day }
    - { id: bye, type: exit }
`;

/** Records sends in memory: these tests are about admission, not delivery (the engine tests use SMTP). */
function recorder(): Deliverer & { sent: string[] } {
  const sent: string[] = [];
  return { sent, deliver: async ({ contact, step }) => { sent.push(`${contact.email}|${step.id}`); return { messageId: `<${sent.length}@t>` }; } };
}

const contacts = (n: number) => Array.from({ length: n }, (_, i) => ({ email: `c${i}@x.test` }));

describe('admission rules', () => {
  it('lets blocked contacts in as places free up (active cap)', async () => {
    const { redis, keys } = testRedis();
    const dir = await tempDir({ 's.yaml': scenario('capped', '  limits: { maxActive: 2 }'), 'm/x.html.hbs': 'hi' });
    await seedContacts(redis, keys, 'l', contacts(5));
    const result = await planAndApply(redis, keys, dir); // enrols at the real "now"
    const clock = new VirtualClock(new Date(Date.now() + 60_000));
    expect(result.applied[0]!.admission).toEqual({ admitted: 2, blocked: 3, already: 0 });
    const deliverer = recorder();
    const workerRedis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const engine = new Engine({ redis, workerRedis, keys, clock, deliverer, webhooks: { call: async () => {} }, workerId: 't' });
    engine.startWorker();
    try {
      await engine.runUntil(clock, new Date(clock.now().getTime() + 30 * 86_400_000));
    } finally {
      await engine.stop();
      workerRedis.disconnect();
    }
    // Everyone got the email in the end, never more than two at a time in progress.
    expect(deliverer.sent.sort()).toEqual(contacts(5).map((c) => `${c.email}|hi`).sort());
    const rows = await readCounts(redis, keys, 'capped');
    expect(rows.filter((r) => r.status === 'finished').reduce((n, r) => n + r.count, 0)).toBe(5);
    expect(Number(await redis.hget(keys.counts('capped'), '_active'))).toBe(0);
  });

  it('keeps exclusive scenarios apart, the higher priority first', async () => {
    const { redis, keys } = testRedis();
    const dir = await tempDir({
      'a.yaml': scenario('low', '  exclusive: true\n  priority: 1'),
      'b.yaml': scenario('high', '  exclusive: true\n  priority: 9'),
      'c.yaml': scenario('open', ''),
      'm/x.html.hbs': 'hi',
    });
    await seedContacts(redis, keys, 'l', contacts(4));
    const result = await planAndApply(redis, keys, dir);
    const by = Object.fromEntries(result.applied.map((c) => [c.name, c.admission?.admitted]));
    expect(by).toEqual({ high: 4, low: 0, open: 4 });
  });

  it('puts a resumed contact back in line at its place', async () => {
    const { redis, keys } = testRedis();
    const dir = await tempDir({ 's.yaml': scenario('one', ''), 'm/x.html.hbs': 'hi' });
    await seedContacts(redis, keys, 'l', contacts(1));
    await planAndApply(redis, keys, dir);
    await changeContactState(redis, keys, 'one', 'c0@x.test', 'pause');
    const clock = new VirtualClock(new Date(Date.now() + 60_000));
    const deliverer = recorder();
    const workerRedis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const engine = new Engine({ redis, workerRedis, keys, clock, deliverer, webhooks: { call: async () => {} }, workerId: 't' });
    engine.startWorker();
    try {
      await engine.runUntil(clock, new Date(clock.now().getTime() + 3_600_000));
      expect(deliverer.sent).toEqual([]); // paused: nothing goes out
      await changeContactState(redis, keys, 'one', 'c0@x.test', 'resume', clock.now());
      await engine.runUntil(clock, new Date(clock.now().getTime() + 3_600_000));
      expect(deliverer.sent).toEqual(['c0@x.test|hi']);
    } finally {
      await engine.stop();
      workerRedis.disconnect();
    }
  });
});

describe('daily entry limit', () => {
  it('lets at most limits.maxEntriesPerDay contacts in per day; the others enter on later days', async () => {
    const { redis, keys } = testRedis();
    const dir = await tempDir({ 's.yaml': scenario('trickle', '  limits: { maxEntriesPerDay: 3 }'), 'm/x.html.hbs': 'hi' });
    await seedContacts(redis, keys, 'l', contacts(7));
    const result = await planAndApply(redis, keys, dir);
    expect(result.applied[0]!.admission!.admitted).toBe(3);
    expect(await redis.hlen(keys.enrollments('trickle'))).toBe(3);
  });
});
