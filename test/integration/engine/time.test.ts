import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/time/clock.js';
import { addContacts, enrollmentOf, install, scenarioFiles, sentTimes, startEngine } from '../../helpers/engine.js';
import { testRedis } from '../../helpers/redis.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';

/**
 * Send windows and business days on the engine, on a virtual clock, with emails going to a real
 * SMTP server. When each email left is read from the send ledger (`sent|<id>|<virtual time>`):
 * the sink only knows the real time.
 */

let sink: SmtpSink;
beforeAll(async () => { sink = await startSmtpSink({ store: false }); });
beforeEach(async () => { await sink.reset(); });
afterAll(async () => { await sink.stop(); });

const WEEKDAYS = 'days: [mon, tue, wed, thu, fri], hours: ["09:00-18:00"]';

/** Two emails an hour apart. */
const HOURLY = `  steps:
    - { id: hello, type: email, template: m/x, subject: Hello }
    - { id: hour, type: wait, for: 1 hour }
    - { id: again, type: email, template: m/x, subject: Again }
`;

describe('time on the engine: windows across DST changes, business days', () => {
  it('a mon–fri 09:00–18:00 Paris window across the spring and autumn DST changes', async () => {
    const { redis, keys } = testRedis();
    const clock = new VirtualClock(new Date('2026-03-27T08:00:00Z'));
    const t = startEngine({ redis, keys, clock, smtpUrl: sink.url });
    const spec = `  schedule: { timezone: Europe/Paris, ${WEEKDAYS} }
  steps:
    - { id: hello, type: email, template: m/x, subject: Hello }
    - { id: three-days, type: wait, for: 3 days }
    - { id: again, type: email, template: m/x, subject: Again }
`;
    // Friday 27 March, 09:00 in Paris (UTC+1): inside the window.
    const friday = scenarioFiles();
    friday.scenario('friday', spec, { list: 'friday' });
    const [fri] = await addContacts(redis, keys, 'friday', [{ email: 'fri@example.org' }], 1);
    await install(redis, keys, friday.dir, clock.now());
    await t.runTo('2026-03-28T10:00:00Z');

    // Saturday 28 March: outside the window. Paris moves to UTC+2 on Sunday 29 at 02:00.
    const saturday = scenarioFiles();
    saturday.scenario('saturday', spec, { list: 'saturday' });
    const [sat] = await addContacts(redis, keys, 'saturday', [{ email: 'sat@example.org' }], 10);
    await install(redis, keys, saturday.dir, clock.now());
    await t.runTo('2026-03-29T23:00:00Z');
    // Nothing goes out during the weekend.
    expect(await sentTimes(redis, keys, 'saturday', sat!)).toEqual({});
    expect(await sink.received('sat@example.org')).toBe(0);
    expect(await enrollmentOf(redis, keys, 'saturday', sat!)).toMatchObject({ step: 'hello', status: 'waiting', due: Date.parse('2026-03-30T07:00:00Z') / 1000 });
    await t.runTo('2026-04-10T00:00:00Z');

    expect(await sentTimes(redis, keys, 'friday', fri!)).toEqual({
      hello: '2026-03-27T08:00:00.000Z',
      // 3 days keeps the wall time: Monday 09:00 in Paris, now UTC+2 (71 hours later, not 72).
      again: '2026-03-30T07:00:00.000Z',
    });
    expect(await sentTimes(redis, keys, 'saturday', sat!)).toEqual({
      hello: '2026-03-30T07:00:00.000Z', // Monday 09:00 CEST, the first open slot
      again: '2026-04-02T07:00:00.000Z',
    });

    // Autumn: Paris goes back to UTC+1 on Sunday 25 October; Monday 09:00 is 08:00 UTC again.
    const autumn = scenarioFiles();
    autumn.scenario('autumn', spec, { list: 'autumn' });
    const [aut] = await addContacts(redis, keys, 'autumn', [{ email: 'aut@example.org' }], 20);
    clock.set(new Date('2026-10-24T10:00:00Z'));
    await install(redis, keys, autumn.dir, clock.now());
    await t.runTo('2026-11-10T00:00:00Z');
    expect(await sentTimes(redis, keys, 'autumn', aut!)).toEqual({ hello: '2026-10-26T08:00:00.000Z', again: '2026-10-29T08:00:00.000Z' });

    const stats = await sink.stats();
    expect(stats.byRecipient).toEqual({ 'fri@example.org': 2, 'sat@example.org': 2, 'aut@example.org': 2 });
  });

  it('business-day waits skip weekends and holidays; a send due on a holiday waits for the next open day', async () => {
    const { redis, keys } = testRedis();
    const clock = new VirtualClock(new Date('2026-04-30T08:00:00Z'));
    const t = startEngine({ redis, keys, clock, smtpUrl: sink.url });
    const schedule = '  schedule: { timezone: Europe/Paris, businessDays: true, hours: ["09:00-18:00"], holidays: ["2026-05-01", "2026-05-08"] }\n';
    const biz = scenarioFiles();
    biz.scenario('biz', `${schedule}  steps:
    - { id: first, type: email, template: m/x, subject: First }
    - { id: one, type: wait, for: 1 business day }
    - { id: second, type: email, template: m/x, subject: Second }
    - { id: three, type: wait, for: 3 business days }
    - { id: third, type: email, template: m/x, subject: Third }
    - { id: one-more, type: wait, for: 1 business day }
    - { id: fourth, type: email, template: m/x, subject: Fourth }
`, { list: 'biz' });
    // Thursday 30 April 2026, 10:00 in Paris.
    const [thu] = await addContacts(redis, keys, 'biz', [{ email: 'thu@example.org' }], 1);
    await install(redis, keys, biz.dir, clock.now());
    await t.runTo('2026-05-01T08:00:00Z');

    // Friday 1 May is a holiday: a contact entering then gets its first email on Monday 09:00.
    const holiday = scenarioFiles();
    holiday.scenario('holiday-entry', `${schedule}  steps:
    - { id: first, type: email, template: m/x, subject: First }
`, { list: 'late' });
    const [fri] = await addContacts(redis, keys, 'late', [{ email: 'holiday@example.org' }], 10);
    await install(redis, keys, holiday.dir, clock.now());
    await t.runTo('2026-06-01T00:00:00Z');

    expect(await sentTimes(redis, keys, 'biz', thu!)).toEqual({
      first: '2026-04-30T08:00:00.000Z',
      // +1 business day from Thursday: Friday 1 May is a holiday, then the weekend → Monday 4, 10:00.
      second: '2026-05-04T08:00:00.000Z',
      // +3: Tuesday, Wednesday, Thursday 7.
      third: '2026-05-07T08:00:00.000Z',
      // +1: Friday 8 May is a holiday, then the weekend → Monday 11.
      fourth: '2026-05-11T08:00:00.000Z',
    });
    expect(await sentTimes(redis, keys, 'holiday-entry', fri!)).toEqual({ first: '2026-05-04T07:00:00.000Z' });
    expect((await sink.stats()).byRecipient).toEqual({ 'thu@example.org': 4, 'holiday@example.org': 1 });
  });

  it('a wait ending on the minute: sent exactly then', async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('hourly', HOURLY);
    const clock = new VirtualClock(new Date('2026-06-01T08:00:00Z'));
    const [id] = await addContacts(redis, keys, 'people', [{ email: 'on-time@example.org' }]);
    await install(redis, keys, files.dir, clock.now());
    const t = startEngine({ redis, keys, clock, smtpUrl: sink.url });
    await t.runTo('2026-06-02T00:00:00Z');
    expect(await sentTimes(redis, keys, 'hourly', id!)).toEqual({ hello: '2026-06-01T08:00:00.000Z', again: '2026-06-01T09:00:00.000Z' });
  });

  // Work is swept by minute: a wait ending at 09:00:30 would be looked at (too early) at 09:00:00.
  // Due times are rounded up to the whole minute, so the contact moves at 09:01:00, and never later.
  it('a wait that ends inside a minute (entered at 08:00:30, 1 hour) ends at the next whole minute', async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('hourly', HOURLY);
    const clock = new VirtualClock(new Date('2026-06-01T08:00:30Z'));
    const [id] = await addContacts(redis, keys, 'people', [{ email: 'mid-minute@example.org' }]);
    await install(redis, keys, files.dir, clock.now());
    const t = startEngine({ redis, keys, clock, smtpUrl: sink.url });
    await t.runTo('2026-06-02T00:00:00Z');
    expect(await sentTimes(redis, keys, 'hourly', id!)).toEqual({ hello: '2026-06-01T08:00:30.000Z', again: '2026-06-01T09:01:00.000Z' });
    expect(await enrollmentOf(redis, keys, 'hourly', id!)).toMatchObject({ step: 'again', status: 'finished' });
  });
});
