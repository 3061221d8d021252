import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvent } from '../../../src/events/record-event.js';
import { buildReports } from '../../../src/report/build-report.js';
import { csvFormat } from '../../../src/report/csv.js';
import { VirtualClock } from '../../../src/time/clock.js';
import { addContacts, install, onCleanup, scenarioFiles, startEngine } from '../../helpers/engine.js';
import { testRedis } from '../../helpers/redis.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';
import { readZip } from './zip-helpers.js';

/** `relance report` after a real run: the engine sends, contacts do things, the zip says so. */

let sink: SmtpSink;
beforeAll(async () => { sink = await startSmtpSink(); });
afterAll(async () => { await sink.stop(); });

const D = 86_400_000;
const T0 = Date.parse('2026-06-01T08:00:00Z');
const HYPERLINK = '=HYPERLINK("http://x")';

const SCENARIO = `  schedule: { timezone: Europe/Paris }
  fields: { budget: number }
  form:
    id: signup
    title: Sign up
    fields: [{ name: email }, { name: company }]
  steps:
    - { id: hello, type: email, name: Hello campaign, template: m/hello, subject: Hello }
    - { id: pause, type: wait, for: 2 days }
    - { id: again, type: email, name: Follow-up, template: m/again, subject: Again }
    - { id: done, type: exit, outcome: end }
`;

type Row = Record<string, string>;

function parse(text: string, delimiter: string): string[][] {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter, skipEmptyLines: false });
  expect(parsed.errors).toEqual([]);
  // The file ends with CRLF: papaparse reads one empty line after it.
  return parsed.data.filter((r, i) => !(i === parsed.data.length - 1 && r.length === 1 && r[0] === ''));
}

function table(rows: string[][]): Row[] {
  const [header, ...data] = rows;
  return data.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

/** Resume.csv: the scenario's `field,value` rows, then the step table after a blank line. */
function resume(rows: string[][]): { scenario: Row; steps: Row[] } {
  const blank = rows.findIndex((r) => r.length === 1 && r[0] === '');
  return { scenario: Object.fromEntries(rows.slice(1, blank).map(([k, v]) => [k!, v!])), steps: table(rows.slice(blank + 1)) };
}

describe('relance report', () => {
  it('writes Resume.csv, Global.csv and Formulaire_<form>.csv from a real run, counts contacts once, neutralises formulas', async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('news', SCENARIO);
    const [ada, bob, lea, dan] = await addContacts(redis, keys, 'people', [
      { email: 'ada@example.org', firstName: 'Ada', lastName: 'Lovelace', score: '42', budget: '1200' },
      { email: 'bob@example.org', firstName: HYPERLINK, company: '+33 Corp' },
      { email: 'lea@example.org', firstName: 'Léa', lastName: 'Müller-Ça', company: 'Société; "Générale"' },
      { email: 'dan@example.org', firstName: 'Dan', tags: ['vip', 'fr'] },
    ]);
    const clock = new VirtualClock(new Date(T0));
    await install(redis, keys, files.dir, new Date(T0));
    const t = startEngine({ redis, keys, clock, smtpUrl: sink.url });
    await t.runTo(new Date(T0 + 60_000));

    const visits = async () => {
      const out = new Map<string, { since: number; at: number; state: string }>();
      for (const [field, value] of Object.entries(await redis.hgetall(keys.ledger('news')))) {
        const [contact, step, since] = field.split('|');
        out.set(`${contact}|${step}`, { since: Number(since), at: Number(value.slice(value.lastIndexOf('|') + 1)), state: value.split('|')[0]! });
      }
      return out;
    };
    const hello = await visits();
    expect([...hello.values()].map((v) => v.state)).toEqual(['sent', 'sent', 'sent', 'sent']);
    const visit = (id: string) => hello.get(`${id}|hello`)!.since;
    const at = (minutes: number) => new Date(T0 + minutes * 60_000);
    const email = (id: string) => ({ [ada!]: 'ada@example.org', [bob!]: 'bob@example.org', [lea!]: 'lea@example.org', [dan!]: 'dan@example.org' })[id]!;
    const open = (id: string, minutes: number, bot = false) => recordEvent(redis, keys, { type: 'opened', email: email(id), scenario: 'news', step: 'hello', visit: visit(id), at: at(minutes), source: 'pixel', bot });

    await open(ada!, 10);
    await open(ada!, 20); // a repeat: the same contact, counted once
    await open(bob!, 11, true); // a scanner's: counted apart
    await recordEvent(redis, keys, { type: 'clicked', email: 'ada@example.org', scenario: 'news', step: 'hello', visit: visit(ada!), at: at(21), source: 'link', detail: { link: 'abc' } });
    await recordEvent(redis, keys, { type: 'delivered', email: 'bob@example.org', scenario: 'news', step: 'hello', visit: visit(bob!), at: at(2), source: 'webhook' });
    await recordEvent(redis, keys, { type: 'replied', email: 'lea@example.org', scenario: 'news', step: 'hello', visit: visit(lea!), at: at(30), source: 'inbound' });
    // A form names no email: it counts on the last one the contact was sent before it.
    await recordEvent(redis, keys, { type: 'form-submitted', email: 'dan@example.org', scenario: 'news', at: at(40), source: 'form', detail: { email: 'dan@example.org', company: 'Acme; "Ltd"', note: '=1+2' } });

    await t.runTo(new Date(T0 + 3 * D));
    const all = await visits();
    expect(all.has(`${lea!}|again`)).toBe(false); // she replied: her run ended
    const againVisit = all.get(`${ada!}|again`)!.since;
    await recordEvent(redis, keys, { type: 'opened', email: 'ada@example.org', scenario: 'news', step: 'again', visit: againVisit, at: new Date(T0 + 3 * D), source: 'pixel' });
    await recordEvent(redis, keys, { type: 'form-submitted', email: 'ada@example.org', scenario: 'news', at: new Date(T0 + 3 * D + 60_000), source: 'form', detail: { email: 'ada@example.org', phone: '+33 6 12 34 56 78' } });
    await t.stop();

    const dir = mkdtempSync(join(tmpdir(), 'relance-report-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const now = new Date(T0 + 3 * D + 3_600_000);
    const [summary] = await buildReports(redis, keys, [], { dir, now });
    const date = DateTime.fromJSDate(now, { zone: 'Europe/Paris' }).toISODate();
    expect(summary!.path).toBe(join(dir, `news-${date}.zip`));
    expect(readdirSync(dir)).toEqual([`news-${date}.zip`]); // no partial file left
    const zip = await readZip(summary!.path!);
    expect([...zip.keys()].sort()).toEqual(['Formulaire_signup.csv', 'Global.csv', 'Resume.csv']);

    // UTF-8 with BOM, CRLF line ends only.
    for (const [name, bytes] of zip) {
      expect(bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), name).toBe(true);
      const text = bytes.toString('utf8');
      expect(text.endsWith('\r\n'), name).toBe(true);
      expect(/[^\r]\n/.test(text), name).toBe(false); // no cell here holds a line break
    }
    const text = (name: string) => zip.get(name)!.toString('utf8');

    // Global.csv: one row per `sent` ledger entry, its columns, the contact's declared fields.
    const globalRows = parse(text('Global.csv'), ',');
    expect(globalRows[0]).toEqual([
      'email', 'firstName', 'lastName', 'company', 'jobTitle', 'phone', 'country', 'city', 'language', 'score', 'tags', 'status', 'createdAt', 'budget',
      'step', 'campaign', 'version', 'sent', 'delivered', 'first open', 'first click', 'reply', 'bounce', 'unsubscribe', 'enrollment status', 'outcome',
    ]);
    const global = table(globalRows);
    const sentEntries = [...all.values()].filter((v) => v.state === 'sent').length;
    expect(sentEntries).toBe(7);
    expect(global).toHaveLength(sentEntries);
    const row = (who: string, step: string) => global.find((r) => r.email === who && r.step === step)!;
    const paris = (ms: number) => DateTime.fromMillis(ms, { zone: 'Europe/Paris' }).toISO({ suppressMilliseconds: true });
    expect(row('ada@example.org', 'hello')).toMatchObject({
      firstName: 'Ada', score: '42', budget: '1200', campaign: 'Hello campaign', sent: paris(hello.get(`${ada!}|hello`)!.at * 1000),
      'first open': paris(at(10).getTime()), 'first click': paris(at(21).getTime()), delivered: '', 'enrollment status': 'finished', outcome: 'end',
    });
    expect(row('bob@example.org', 'hello')).toMatchObject({ firstName: `'${HYPERLINK}`, company: "'+33 Corp", delivered: paris(at(2).getTime()), 'first open': '' });
    expect(row('lea@example.org', 'hello')).toMatchObject({ lastName: 'Müller-Ça', company: 'Société; "Générale"', reply: paris(at(30).getTime()), 'enrollment status': 'replied', outcome: 'success' });
    expect(row('dan@example.org', 'again').tags).toBe('vip, fr');
    expect(text('Global.csv')).toContain(`"'=HYPERLINK(""http://x"")"`);

    // Resume.csv: the scenario, then per email step counts recomputed here from the event log.
    const { scenario, steps } = resume(parse(text('Resume.csv'), ','));
    expect(scenario).toMatchObject({ scenario: 'news', title: 'news', template: 'steps', state: 'running', 'time zone': 'Europe/Paris', 'enrolled contacts': '4', 'form submissions': '2' });
    expect(scenario.version).toMatch(/^[0-9a-f]{12}$/);
    expect(steps.map((s) => s.step)).toEqual(['hello', 'again']);
    const log = (await redis.xrange(keys.events('news'), '-', '+')).map(([, kv]) => Object.fromEntries(kv.reduce<string[][]>((a, v, i) => (i % 2 ? a[a.length - 1]!.push(v) : a.push([v]), a), [])) as Row);
    for (const s of steps) {
      const contacts = (type: string, bot = false) => new Set(log.filter((e) => e.s === s.step && e.e === type && (e.b === '1') === bot).map((e) => e.c)).size;
      const sent = [...all.entries()].filter(([k, v]) => k.endsWith(`|${s.step}`) && v.state === 'sent').length;
      const delivered = sent; // no bounce: every send counts as delivered
      const pct = (n: number) => String(Math.round((n / delivered) * 10_000) / 100);
      expect(s, s.step).toMatchObject({
        sent: String(sent), delivered: String(delivered), targeted: String(sent), opened: String(contacts('opened')), clicked: String(contacts('clicked')),
        replied: String(contacts('replied')), 'bot opens': String(contacts('opened', true)),
        'open rate %': pct(contacts('opened')), 'click rate %': pct(contacts('clicked')), 'reply rate %': pct(contacts('replied')), 'delivery rate %': '100',
      });
    }
    expect(steps[0]).toMatchObject({ opened: '1', 'open rate %': '25', reacted: '1', 'reaction rate %': '25', 'bot opens': '1', 'form submitted': '1', 'form rate %': '25', campaign: 'Hello campaign', subject: 'Hello' });
    expect(steps[1]).toMatchObject({ sent: '3', opened: '1', 'open rate %': '33.33', 'form submitted': '1' });

    // Formulaire_signup.csv: every submission, the union of field names in first-seen order.
    const forms = parse(text('Formulaire_signup.csv'), ',');
    expect(forms[0]).toEqual(['submitted at', 'contact email', 'email', 'company', 'note', 'phone']);
    expect(table(forms)).toEqual([
      { 'submitted at': paris(at(40).getTime()), 'contact email': 'dan@example.org', email: 'dan@example.org', company: 'Acme; "Ltd"', note: "'=1+2", phone: '' },
      { 'submitted at': paris(T0 + 3 * D + 60_000), 'contact email': 'ada@example.org', email: 'ada@example.org', company: '', note: '', phone: "'+33 6 12 34 56 78" },
    ]);

    // The `;` variant (French Excel): the same rows and columns, decimals with a comma.
    const semi = mkdtempSync(join(tmpdir(), 'relance-report-'));
    onCleanup(() => rmSync(semi, { recursive: true, force: true }));
    const [french] = await buildReports(redis, keys, ['news'], { dir: semi, now, format: csvFormat(';') });
    const frenchZip = await readZip(french!.path!);
    for (const name of zip.keys()) {
      const a = parse(text(name), ',');
      const b = parse(frenchZip.get(name)!.toString('utf8'), ';');
      expect(b.map((r) => r.length), name).toEqual(a.map((r) => r.length));
    }
    expect(resume(parse(frenchZip.get('Resume.csv')!.toString('utf8'), ';')).steps[1]!['open rate %']).toBe('33,33');
  });

  it('refuses an unknown scenario by name, and covers only the sends of --since/--until', async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('news', SCENARIO);
    await addContacts(redis, keys, 'people', [{ email: 'ada@example.org' }]);
    await install(redis, keys, files.dir, new Date(T0));
    const t = startEngine({ redis, keys, clock: new VirtualClock(new Date(T0)), smtpUrl: sink.url });
    await t.runTo(new Date(T0 + 3 * D));
    await t.stop();
    const dir = mkdtempSync(join(tmpdir(), 'relance-report-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    await expect(buildReports(redis, keys, ['nwes'], { dir })).rejects.toThrow(/no scenario "nwes".*did you mean "news"/);
    await expect(buildReports(redis, keys, ['news'], { dir, since: 'yesterday' })).rejects.toThrow(/--since "yesterday": not a date/);
    const now = new Date(T0 + 4 * D);
    // The first email went out on 2026-06-01, the second on 2026-06-03 (Paris).
    const [first] = await buildReports(redis, keys, ['news'], { dir, now, until: '2026-06-01' });
    expect(table(parse((await readZip(first!.path!)).get('Global.csv')!.toString('utf8'), ',')).map((r) => r.step)).toEqual(['hello']);
    const [second] = await buildReports(redis, keys, ['news'], { dir, now, since: '2026-06-02' });
    const zip = await readZip(second!.path!);
    expect(table(parse(zip.get('Global.csv')!.toString('utf8'), ',')).map((r) => r.step)).toEqual(['again']);
    expect(resume(parse(zip.get('Resume.csv')!.toString('utf8'), ',')).steps.map((s) => [s.step, s.sent])).toEqual([['hello', '0'], ['again', '1']]);
    // No submission, but the scenario has a form: its file is there, header only.
    expect(parse(zip.get('Formulaire_signup.csv')!.toString('utf8'), ',')).toEqual([['submitted at', 'contact email']]);
  });

  it('places an event that names no email on the last email the contact was sent before it', async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('news', SCENARIO);
    await addContacts(redis, keys, 'people', [{ email: 'ada@example.org' }, { email: 'bob@example.org' }, { email: 'cy@example.org' }]);
    await install(redis, keys, files.dir, new Date(T0));
    const t = startEngine({ redis, keys, clock: new VirtualClock(new Date(T0)), smtpUrl: sink.url });
    await t.runTo(new Date(T0 + 3 * D));
    await t.stop();
    const event = (type: 'form-submitted' | 'converted' | 'replied' | 'bounced', email: string, at: number) =>
      recordEvent(redis, keys, { type, email, scenario: 'news', at: new Date(at), source: 'api', ...(type === 'form-submitted' ? { detail: { email } } : {}) });
    await event('form-submitted', 'cy@example.org', T0 - 60_000); // before any email: in the total only
    await event('form-submitted', 'ada@example.org', T0 + 600_000); // after the first email
    await event('converted', 'ada@example.org', T0 + 3 * D + 600_000); // after the second
    await event('replied', 'bob@example.org', T0 + 3 * D + 300_000);
    await event('bounced', 'cy@example.org', T0 + 3 * D + 60_000);
    // `relance event opened EMAIL --scenario news --step hello` names the step but not its visit.
    await recordEvent(redis, keys, { type: 'opened', email: 'ada@example.org', scenario: 'news', step: 'hello', at: new Date(T0 + 3 * D + 120_000), source: 'cli' });

    const dir = mkdtempSync(join(tmpdir(), 'relance-report-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    const [summary] = await buildReports(redis, keys, ['news'], { dir, now: new Date(T0 + 4 * D) });
    const zip = await readZip(summary!.path!);
    const global = table(parse(zip.get('Global.csv')!.toString('utf8'), ','));
    const paris = (ms: number) => DateTime.fromMillis(ms, { zone: 'Europe/Paris' }).toISO({ suppressMilliseconds: true });
    const cell = (who: string, step: string, column: string) => global.find((r) => r.email === who && r.step === step)![column];
    expect([cell('bob@example.org', 'hello', 'reply'), cell('bob@example.org', 'again', 'reply')]).toEqual(['', paris(T0 + 3 * D + 300_000)]);
    expect([cell('cy@example.org', 'hello', 'bounce'), cell('cy@example.org', 'again', 'bounce')]).toEqual(['', paris(T0 + 3 * D + 60_000)]);
    expect([cell('ada@example.org', 'hello', 'first open'), cell('ada@example.org', 'again', 'first open')]).toEqual([paris(T0 + 3 * D + 120_000), '']);
    const { scenario, steps } = resume(parse(zip.get('Resume.csv')!.toString('utf8'), ','));
    expect(scenario['form submissions']).toBe('2');
    const counts = (s: Row) => ({ sent: s.sent, delivered: s.delivered, 'form submitted': s['form submitted'], converted: s.converted, replied: s.replied, bounced: s.bounced, 'bounce rate %': s['bounce rate %'], 'delivery rate %': s['delivery rate %'] });
    expect(steps.map(counts)).toEqual([
      { sent: '3', delivered: '3', 'form submitted': '1', converted: '0', replied: '0', bounced: '0', 'bounce rate %': '0', 'delivery rate %': '100' },
      { sent: '3', delivered: '2', 'form submitted': '0', converted: '1', replied: '1', bounced: '1', 'bounce rate %': '33.33', 'delivery rate %': '66.67' },
    ]);
  });
});
