import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordEvent } from '../../../src/events/record-event.js';
import { changeScenarioState } from '../../../src/lifecycle/lifecycle.js';
import { sweepOnce } from '../../../src/schedule/sweep.js';
import { VirtualClock } from '../../../src/time/clock.js';
import {
  addContacts, counts, enrollmentOf, enrollments, install, ledgerOf, scenarioFiles, sentTimes, startEngine, waitFor,
} from '../../helpers/engine.js';
import { testRedis } from '../../helpers/redis.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';

/**
 * Pause and resume, exit on reply, suppression of queued sends, bounces and temporary SMTP
 * failures: the engine on a virtual clock, its BullMQ worker, a real Redis and a real SMTP server
 * in another process.
 */

let sink: SmtpSink;
beforeAll(async () => { sink = await startSmtpSink({ store: false }); });
beforeEach(async () => { await sink.reset(); await sink.setRules([]); });
afterAll(async () => { await sink.stop(); });

const iso = (ms: number) => new Date(ms).toISOString();
const H = 3_600_000;
const D = 24 * H;
const T0 = Date.parse('2026-06-01T08:00:00Z');
const PROMO = `  steps:
    - { id: hello, type: email, template: m/x, subject: Hello }
    - { id: day, type: wait, for: 1 day }
    - { id: second, type: email, template: m/x, subject: Second }
`;

function people(n: number, tag: string): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({ email: `${tag}${i + 1}@example.org`, firstName: `P${i + 1}` }));
}

describe('lifecycle and suppression on the engine', () => {
  it('pause: nothing is sent and nobody advances while paused; resume sends what is due, and waits that ended go on at once', async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('promo', PROMO);
    const list = people(5, 'promo');
    const ids = await addContacts(redis, keys, 'people', list);
    await install(redis, keys, files.dir, new Date(T0));
    const t = startEngine({ redis, keys, clock: new VirtualClock(new Date(T0)), smtpUrl: sink.url });

    // Due at once, but paused before the first sweep.
    await changeScenarioState(redis, keys, 'promo', 'pause', t.clock.now());
    await t.runTo(iso(T0 + 2 * D));
    expect((await sink.stats()).messages).toBe(0);
    expect(t.batches).toEqual([]);
    for (const id of ids) expect(await enrollmentOf(redis, keys, 'promo', id)).toMatchObject({ step: 'hello', status: 'waiting' });

    // Resume: they are queued and sent, at the resume time.
    await changeScenarioState(redis, keys, 'promo', 'resume', t.clock.now());
    await t.runTo(iso(T0 + 2 * D + H));
    expect((await sink.stats()).byRecipient).toEqual(Object.fromEntries(list.map((p) => [p.email, 1])));
    for (const id of ids) expect(await sentTimes(redis, keys, 'promo', id)).toEqual({ hello: iso(T0 + 2 * D) });

    // Paused again while they wait: their day passes, nothing moves; on resume they go on at once.
    await changeScenarioState(redis, keys, 'promo', 'pause', t.clock.now());
    await t.runTo(iso(T0 + 6 * D));
    expect((await sink.stats()).messages).toBe(5);
    for (const id of ids) expect(await enrollmentOf(redis, keys, 'promo', id)).toMatchObject({ step: 'day', status: 'waiting', due: (T0 + 3 * D) / 1000 });
    await changeScenarioState(redis, keys, 'promo', 'resume', t.clock.now());
    await t.runTo(iso(T0 + 7 * D));
    for (const id of ids) {
      expect(await sentTimes(redis, keys, 'promo', id)).toEqual({ hello: iso(T0 + 2 * D), second: iso(T0 + 6 * D) });
      expect(await enrollmentOf(redis, keys, 'promo', id)).toMatchObject({ step: 'second', status: 'finished' });
    }
    expect((await sink.stats()).byRecipient).toEqual(Object.fromEntries(list.map((p) => [p.email, 2])));
  });

  it('pause withdraws a batch already queued in BullMQ: the worker sends nothing and puts the contacts back in their bucket', async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('promo', PROMO);
    const ids = await addContacts(redis, keys, 'people', people(5, 'promo'));
    await install(redis, keys, files.dir, new Date(T0));
    const t = startEngine({ redis, keys, clock: new VirtualClock(new Date(T0)), smtpUrl: sink.url, startWorker: false });
    // The five are swept into BullMQ, then the scenario is paused before a worker takes the job.
    expect(await sweepOnce(redis, keys, t.engine.queue, t.clock.now())).toBe(1);
    expect(await redis.zcard(keys.dueIndex())).toBe(0);
    await changeScenarioState(redis, keys, 'promo', 'pause', t.clock.now());
    t.engine.startWorker();
    await waitFor(async () => t.batches.length === 1, 10_000, 'the queued batch');
    expect(t.batches[0]!.stats).toMatchObject({ withdrawn: 5, sent: 0, processed: 0 });
    expect((await sink.stats()).messages).toBe(0);
    expect((await redis.lrange(keys.dueBucket('promo', T0 / 60_000), 0, -1)).sort()).toEqual([...ids].sort());
    expect(await redis.zscore(keys.dueIndex(), `promo|${T0 / 60_000}`)).toBe(String(T0 / 1000));
  });

  // BUG (src/schedule/sweep.ts: job ids are `<scenario>.<minute>.<first id>.<last id>.<count>`, and
  // src/schedule/queue.ts keeps completed jobs for an hour): the withdrawn batch goes back to the
  // same bucket with the same ids, so on resume the sweep builds the same job id; BullMQ ignores
  // it as a duplicate of the completed (withdrawn) job, and sweep-bucket trims the bucket anyway.
  // The contacts stay `waiting`, due, in no bucket: after a pause and a resume within the hour,
  // everyone whose batch was withdrawn is never sent to.
  it('a withdrawn batch is sent after a resume within the hour', async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('promo', PROMO);
    const list = people(5, 'promo');
    const ids = await addContacts(redis, keys, 'people', list);
    await install(redis, keys, files.dir, new Date(T0));
    const t = startEngine({ redis, keys, clock: new VirtualClock(new Date(T0)), smtpUrl: sink.url, startWorker: false });
    await sweepOnce(redis, keys, t.engine.queue, t.clock.now());
    await changeScenarioState(redis, keys, 'promo', 'pause', t.clock.now());
    t.engine.startWorker();
    await waitFor(async () => t.batches.length === 1, 10_000, 'the queued batch');
    await t.runTo(iso(T0 + H));
    await changeScenarioState(redis, keys, 'promo', 'resume', t.clock.now());
    await t.runTo(iso(T0 + 2 * H));
    // Today: nothing, ever; the five stay hello|waiting, and the due index is empty.
    expect((await sink.stats()).byRecipient).toEqual(Object.fromEntries(list.map((p) => [p.email, 1])));
    for (const id of ids) expect(await sentTimes(redis, keys, 'promo', id)).toEqual({ hello: iso(T0 + H) });
  });

  it('a contact who replies while waiting leaves at once with the status replied and gets nothing more', async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('sequence', `  steps:
    - { id: first, type: email, template: m/x, subject: First }
    - { id: wait-1, type: wait, for: 3 days }
    - { id: second, type: email, template: m/x, subject: Second }
    - { id: wait-2, type: wait, for: 3 days }
    - { id: third, type: email, template: m/x, subject: Third }
`);
    const [replier, quiet] = await addContacts(redis, keys, 'people', [{ email: 'replier@example.org' }, { email: 'quiet@example.org' }]);
    await install(redis, keys, files.dir, new Date(T0));
    const t = startEngine({ redis, keys, clock: new VirtualClock(new Date(T0)), smtpUrl: sink.url });
    await t.runTo(iso(T0 + D));

    const { woken } = await recordEvent(redis, keys, { type: 'replied', email: 'replier@example.org', scenario: 'sequence', step: 'first', at: t.clock.now() });
    expect(woken).toBe(1);
    await t.runTo(iso(T0 + D + 60_000));
    // Out at once, a day into a three-day wait.
    expect(await enrollmentOf(redis, keys, 'sequence', replier!)).toMatchObject({ step: 'wait-1', status: 'replied', due: 0 });
    await t.runTo(iso(T0 + 10 * D));

    expect(await sentTimes(redis, keys, 'sequence', replier!)).toEqual({ first: iso(T0) });
    expect(await sentTimes(redis, keys, 'sequence', quiet!)).toEqual({ first: iso(T0), second: iso(T0 + 3 * D), third: iso(T0 + 6 * D) });
    expect((await sink.stats()).byRecipient).toEqual({ 'replier@example.org': 1, 'quiet@example.org': 3 });
    const c = await counts(redis, keys, 'sequence');
    expect(Object.entries(c).filter(([k, n]) => k.endsWith('|replied') && n > 0).map(([k, n]) => [k.split('|').slice(1).join('|'), n])).toEqual([['wait-1|replied', 1]]);
    expect(c._active).toBe(0);
  });

  it('an unsubscribe reaches a send already queued in BullMQ: that contact receives nothing, from any scenario', async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('blast', `  steps:
    - { id: news, type: email, template: m/x, subject: News }
`);
    // Without `unsubscribe` in exitOn, suppression still wins.
    files.scenario('blast-2', `  exitOn: [reply]
  steps:
    - { id: more-news, type: email, template: m/x, subject: More news }
`);
    const list = people(4, 'reader');
    const ids = await addContacts(redis, keys, 'people', list);
    await install(redis, keys, files.dir, new Date(T0));
    const t = startEngine({ redis, keys, clock: new VirtualClock(new Date(T0)), smtpUrl: sink.url, startWorker: false });
    expect(await sweepOnce(redis, keys, t.engine.queue, t.clock.now())).toBe(2); // one job per scenario, in BullMQ

    await recordEvent(redis, keys, { type: 'unsubscribed', email: 'reader2@example.org', scenario: 'blast', step: 'news', at: t.clock.now() });
    expect(JSON.parse((await redis.hget(keys.suppressed(), 'reader2@example.org'))!)).toMatchObject({ reason: 'unsubscribed' });
    t.engine.startWorker();
    await t.runTo(iso(T0 + D));

    expect((await sink.stats()).byRecipient).toEqual({ 'reader1@example.org': 2, 'reader3@example.org': 2, 'reader4@example.org': 2 });
    for (const scenario of ['blast', 'blast-2']) {
      expect(await enrollmentOf(redis, keys, scenario, ids[1]!)).toMatchObject({ status: 'finished' });
      expect(await ledgerOf(redis, keys, scenario, ids[1]!)).toEqual({});
    }
  });

  it('SMTP 5xx for an address: a hard bounce, the address suppressed for every scenario, the run finished', async () => {
    const { redis, keys } = testRedis();
    await sink.setRules([{ stage: 'rcpt', match: 'bounce@', code: 550 }]);
    const files = scenarioFiles();
    files.scenario('mails', `  steps:
    - { id: hello, type: email, template: m/x, subject: Hello }
    - { id: day, type: wait, for: 1 day }
    - { id: second, type: email, template: m/x, subject: Second }
`);
    files.scenario('later', `  steps:
    - { id: two-days, type: wait, for: 2 days }
    - { id: offer, type: email, template: m/x, subject: Offer }
`);
    const [bounce, ok] = await addContacts(redis, keys, 'people', [{ email: 'bounce@example.org' }, { email: 'ok@example.org' }]);
    await install(redis, keys, files.dir, new Date(T0));
    const t = startEngine({ redis, keys, clock: new VirtualClock(new Date(T0)), smtpUrl: sink.url });
    await t.runTo(iso(T0 + 5 * D));

    const suppressed = await waitFor(() => redis.hget(keys.suppressed(), 'bounce@example.org'), 5_000, 'the bounce to be suppressed');
    expect(JSON.parse(suppressed)).toMatchObject({ reason: 'bounced', source: expect.stringMatching(/^smtp: .*550/) });
    expect(await enrollmentOf(redis, keys, 'mails', bounce!)).toMatchObject({ step: 'hello', status: 'finished', due: 0 });
    expect((await ledgerOf(redis, keys, 'mails', bounce!)).hello).toMatchObject({ state: 'failed', value: expect.stringMatching(/^failed\|bounced\|/) });
    expect(JSON.parse((await redis.hget(keys.engagement('mails'), bounce!))!)).toMatchObject({ s: { hello: expect.stringContaining('b') } });
    // The other scenario, due two days later, never sends to the address either.
    expect(await enrollmentOf(redis, keys, 'later', bounce!)).toMatchObject({ status: 'finished' });
    expect(await ledgerOf(redis, keys, 'later', bounce!)).toEqual({});
    const stats = await sink.stats();
    expect(stats.byRecipient).toEqual({ 'ok@example.org': 3 });
    expect(stats.rejected.rcpt).toBe(1); // tried once, never again
    expect(await sentTimes(redis, keys, 'mails', ok!)).toEqual({ hello: iso(T0), second: iso(T0 + D) });
  });

  it('SMTP 4xx: retried with backoff and delivered once the server accepts, exactly once', async () => {
    const { redis, keys } = testRedis();
    await sink.setRules([{ stage: 'rcpt', match: 'busy@', code: 451, times: 2 }]);
    const files = scenarioFiles();
    files.scenario('mails', `  steps:
    - { id: hello, type: email, template: m/x, subject: Hello }
    - { id: bye, type: exit, outcome: success }
`);
    const [busy, ok] = await addContacts(redis, keys, 'people', [{ email: 'busy@example.org' }, { email: 'ok@example.org' }]);
    await install(redis, keys, files.dir, new Date(T0));
    const t = startEngine({ redis, keys, clock: new VirtualClock(new Date(T0)), smtpUrl: sink.url });
    await t.runTo(iso(T0 + 30_000));
    // After the first refusal: waiting on the email, one attempt made, due a minute later.
    expect(await enrollmentOf(redis, keys, 'mails', busy!)).toMatchObject({ step: 'hello', status: 'waiting', attempts: 1, due: (T0 + 60_000) / 1000 });
    expect(await ledgerOf(redis, keys, 'mails', busy!)).toEqual({}); // the reservation was released
    await t.runTo(iso(T0 + D));

    // Refused at 08:00 and 08:01, accepted at 08:06 (backoff 1 then 5 minutes).
    expect(await sentTimes(redis, keys, 'mails', busy!)).toEqual({ hello: iso(T0 + 6 * 60_000) });
    expect(await enrollmentOf(redis, keys, 'mails', busy!)).toMatchObject({ step: 'bye', status: 'finished', attempts: 0 });
    expect(await sentTimes(redis, keys, 'mails', ok!)).toEqual({ hello: iso(T0) });
    const stats = await sink.stats();
    expect(stats.rejected.rcpt).toBe(2);
    expect(stats.byRecipient).toEqual({ 'busy@example.org': 1, 'ok@example.org': 1 });
    expect(await redis.hget(keys.suppressed(), 'busy@example.org')).toBeNull();
    expect([...(await enrollments(redis, keys, 'mails')).values()].every((e) => e.status === 'finished')).toBe(true);
    expect(await counts(redis, keys, 'mails')).toMatchObject({ '_outcome|success': 2 });
  });
});
