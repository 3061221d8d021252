import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvent, recordScenarioEvents } from '../../../src/events/record-event.js';
import { VirtualClock } from '../../../src/time/clock.js';
import { addContacts, enrollmentOf, install, scenarioFiles, startEngine } from '../../helpers/engine.js';
import { testRedis } from '../../helpers/redis.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';

/** The event log: every event once in the scenario's stream; the flags the engine reads derived with it. */

let sink: SmtpSink;
beforeAll(async () => { sink = await startSmtpSink(); });
afterAll(async () => { await sink.stop(); });

const D = 86_400_000;

describe('the event log', () => {
  it('logs each event with its contact, step, visit, version and source; a repeat counts no contact twice; a bot sets nothing', async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('news', `  steps:
    - { id: hello, type: email, template: m/x, subject: Hello }
    - { id: look, type: wait-for, condition: { opened: hello }, timeout: 5 days, onTimeout: silent }
    - { id: opened, type: exit, outcome: success }
    - { id: silent, type: exit, outcome: end }
`);
    const T0 = Date.parse('2026-06-01T08:00:00Z');
    const [ada, bob] = await addContacts(redis, keys, 'people', [{ email: 'ada@example.org' }, { email: 'bob@example.org' }]);
    await install(redis, keys, files.dir, new Date(T0));
    const t = startEngine({ redis, keys, clock: new VirtualClock(new Date(T0)), smtpUrl: sink.url });
    await t.runTo(new Date(T0 + 60_000).toISOString());
    const hello = await enrollmentOf(redis, keys, 'news', ada!);
    expect(hello).toMatchObject({ step: 'look', status: 'waiting' });

    // A scanner's open first: logged as a bot's, and Bob does not move.
    const at = new Date(T0 + 120_000);
    const bot = await recordEvent(redis, keys, { type: 'opened', email: 'bob@example.org', scenario: 'news', step: 'hello', visit: hello!.since, at, source: 'pixel', bot: true });
    expect(bot).toMatchObject({ woken: 0, first: false });
    // Ada opens twice: the first open sets the flag and wakes her; the second is logged, wakes
    // nobody (nothing the engine reads changed), and is no more.
    const first = await recordEvent(redis, keys, { type: 'opened', email: 'ada@example.org', scenario: 'news', step: 'hello', visit: hello!.since, at, source: 'pixel' });
    const again = await recordEvent(redis, keys, { type: 'opened', email: 'ada@example.org', scenario: 'news', step: 'hello', visit: hello!.since, at: new Date(T0 + 180_000), source: 'pixel' });
    expect(first).toMatchObject({ contactId: ada, woken: 1, first: true });
    expect(again).toMatchObject({ first: false, woken: 0 });

    const entries = (await redis.xrange(keys.events('news'), '-', '+')).map(([, kv]) => Object.fromEntries(kv.reduce<string[][]>((a, v, i) => (i % 2 ? a[a.length - 1]!.push(v) : a.push([v]), a), [])));
    const version = hello!.version;
    expect(entries).toEqual([
      { e: 'opened', c: bob, t: String(at.getTime() / 1000), o: 'pixel', s: 'hello', i: String(hello!.since), b: '1', v: version },
      { e: 'opened', c: ada, t: String(at.getTime() / 1000), o: 'pixel', s: 'hello', i: String(hello!.since), v: version, n: '1' },
      { e: 'opened', c: ada, t: String((T0 + 180_000) / 1000), o: 'pixel', s: 'hello', i: String(hello!.since), v: version },
    ]);
    expect(JSON.parse((await redis.hget(keys.engagement('news'), ada!))!).s.hello).toContain('o');
    expect(JSON.parse((await redis.hget(keys.engagement('news'), bob!))!).s.hello).not.toContain('o');

    await t.runTo(new Date(T0 + 6 * D).toISOString());
    expect(await enrollmentOf(redis, keys, 'news', ada!)).toMatchObject({ step: 'opened', status: 'finished' });
    expect(await enrollmentOf(redis, keys, 'news', bob!)).toMatchObject({ step: 'silent', status: 'finished' });
  });

  it('an unsubscribe of no scenario goes to the global log and suppresses the address', async () => {
    const { redis, keys } = testRedis();
    await addContacts(redis, keys, 'people', [{ email: 'cy@example.org' }]);
    await recordEvent(redis, keys, { type: 'unsubscribed', email: 'cy@example.org', at: new Date('2026-06-01T08:00:00Z') });
    const [[, fields]] = await redis.xrange(keys.globalEvents(), '-', '+') as [[string, string[]]];
    expect(fields.slice(0, 2)).toEqual(['e', 'unsubscribed']);
    expect(fields).toContain('cli');
    expect(await redis.hexists(keys.suppressed(), 'cy@example.org')).toBe(1);
  });

  it('records many events in one call, in order, across scenarios; an erased contact gets nothing', async () => {
    const { redis, keys } = testRedis();
    const [ada, bob, cy] = await addContacts(redis, keys, 'people', [{ email: 'ada@example.org' }, { email: 'bob@example.org' }, { email: 'cy@example.org' }]);
    await redis.hdel(keys.contactData(), cy!); // erased since the email went out
    const at = new Date('2026-06-01T08:00:00Z');
    const open = (id: string, scenario: string, bot = false) => ({ id, event: { type: 'opened' as const, scenario, step: 'hello', visit: 7, at, source: 'pixel' as const, bot } });
    const results = await recordScenarioEvents(redis, keys, [open(ada!, 'a'), open(bob!, 'b'), open(cy!, 'a'), open(bob!, 'a', true), open(ada!, 'a')], at);
    // Nobody is enrolled: logged, no flag (the flags are the enrolled contacts' only).
    expect(results.map((r) => r && { contactId: r.contactId, first: r.first })).toEqual([
      { contactId: ada, first: false }, { contactId: bob, first: false }, undefined, { contactId: bob, first: false }, { contactId: ada, first: false },
    ]);
    const contacts = async (s: string) => (await redis.xrange(keys.events(s), '-', '+')).map(([, kv]) => [kv[3], kv.includes('b') ? 'bot' : 'person']);
    expect(await contacts('a')).toEqual([[ada, 'person'], [bob, 'bot'], [ada, 'person']]);
    expect(await contacts('b')).toEqual([[bob, 'person']]);
    await expect(recordScenarioEvents(redis, keys, [{ id: ada!, event: { type: 'unsubscribed', scenario: 'a', at } }], at)).rejects.toThrow(/no unsubscribed event/);
  });

  it('keeps a detail as it was given, control characters, separators and all', async () => {
    const { redis, keys } = testRedis();
    const [ada] = await addContacts(redis, keys, 'people', [{ email: 'ada@example.org' }]);
    const at = new Date('2026-06-01T08:00:00Z');
    // A call's events cross to Redis as one JSON argument, decoded by the script: what a form field
    // holds (control characters, quotes, separators, accents) must come out of the log as it went in.
    const detail = { l: 'link1', field: 'a\u001fb|c\td\r\n\u0000é "q" \\ 😀 \ud800' };
    await recordScenarioEvents(redis, keys, [{ id: ada!, event: { type: 'clicked', scenario: 'a', step: 'hello', visit: 7, at, source: 'link', detail } }], at);
    const [[, kv]] = (await redis.xrange(keys.events('a'), '-', '+')) as [[string, string[]]];
    expect(kv.slice(0, 12)).toEqual(['e', 'clicked', 'c', ada, 't', String(at.getTime() / 1000), 'o', 'link', 's', 'hello', 'i', '7']);
    expect(JSON.parse(kv[kv.indexOf('x') + 1]!)).toEqual(detail);
  });
});
