import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeInbound } from '../../../src/events/inbound/index.js';
import { VirtualClock } from '../../../src/time/clock.js';
import { SECRET, addContacts, ensureBuilt, enrollmentOf, install, scenarioFiles, startEngine } from '../../helpers/engine.js';
import { REDIS_URL, testRedis } from '../../helpers/redis.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';

/**
 * The inbound fixtures (test/fixtures/inbound, written as real clients and servers write them)
 * against a real run: each message becomes the right event for the right contact, scenario, step
 * and visit; the replies end the contact's run as `replied`; the hard bounce and the complaint
 * suppress; an auto-reply and a soft bounce end nothing; what matches nothing is logged.
 */

const ROOT = join(import.meta.dirname, '..', '..', '..');
const FIXTURES = join(ROOT, 'test/fixtures/inbound');
const D = 86_400_000;
let sink: SmtpSink;
beforeAll(async () => { await ensureBuilt(); sink = await startSmtpSink(); }, 240_000);
afterAll(async () => { await sink.stop(); });

/** Who each fixture is from or about, and the original send ids it names (test/fixtures/inbound/README.md). */
const PEOPLE = {
  marc: { email: 'marc.lefevre@gmail.com', ids: ['3f2a9c0d8e7b6a5f4e3d2c1b0a998877'] },
  sarah: { email: 'sarah.collins@northwind-traders.example', ids: ['186c42df0f78d31b6e24defbe9c8748d'] },
  // Only the first email of David's thread is relance's here: his reply finds it further down References.
  david: { email: 'david.okafor@icloud.com', ids: ['34bfceb2d58616fc88ba6653a9f93024'] },
  julien: { email: 'julien.fabre@laposte.net', ids: [] },
  benoit: { email: 'benoit.garnier@groupe-vialle.example', ids: ['bbc1f9ad22348408e92e23f3fec8130a'] },
  priya: { email: 'priya.raman@gmail.com', ids: [] },
  louise: { email: 'l.bernard@cabinet-roux.example', ids: ['4a11214adbf4448e3eff53ef1882ea91'] },
  anna: { email: 'anna.hartmann@hartmann-logistik.example', ids: ['3598217d667616504cde3be56d9c9e53'] },
  emma: { email: 'e.girard@courriel.example', ids: ['457b1c78f441a1251c38cd524bc5f81d'] },
  nathalie: { email: 'nathalie.perrin@gmail.com', ids: [] },
} as const;
type Person = keyof typeof PEOPLE;

describe('mail that comes back: the fixtures against a real run', () => {
  it('each message becomes the right event for the right send; replies end runs; bounces and complaints suppress', async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('outreach', `  steps:
    - { id: hello, type: email, template: m/x, subject: Votre benchmark finance SaaS 2026 }
    - { id: pause, type: wait, for: 3 days }
    - { id: again, type: email, template: m/x, subject: Une dernière question }
`);
    const T0 = Math.floor(Date.now() / 60_000) * 60_000;
    const names = Object.keys(PEOPLE) as Person[];
    const ids = await addContacts(redis, keys, 'people', names.map((n) => ({ email: PEOPLE[n].email })));
    const id = Object.fromEntries(names.map((n, i) => [n, ids[i]!])) as Record<Person, string>;
    await install(redis, keys, files.dir, new Date(T0));
    const t = startEngine({ redis, keys, clock: new VirtualClock(new Date(T0)), smtpUrl: sink.url });
    await t.runTo(new Date(T0 + 60_000).toISOString());
    expect(await sink.received(PEOPLE.marc.email)).toBe(1);

    // The fixtures answer sends with their own ids: index them as these contacts' first email,
    // exactly as the send's last-moment check indexes a send (src/state/DESIGN.md, message-ids).
    const ledger = await redis.hgetall(keys.ledger('outreach'));
    const visitOf = (person: Person) => Number(Object.keys(ledger).find((f) => f.startsWith(`${id[person]}|hello|`))!.split('|')[2]);
    for (const person of names) for (const hex of PEOPLE[person].ids) await redis.hset(keys.messageIds(), hex, `outreach|${id[person]}|hello|${visitOf(person)}`);

    const at = new Date(T0 + 2 * 3600_000);
    const take = (file: string) => takeInbound(redis, keys, readFileSync(join(FIXTURES, file)), at);
    const on = (person: Person) => ({ contactId: id[person], scenario: 'outreach', step: 'hello', visit: visitOf(person) });

    expect(await take('gmail-reply.eml')).toMatchObject({ kind: 'reply', event: 'replied', how: 'references', ...on('marc') });
    expect(await take('outlook-reply-references-only.eml')).toMatchObject({ kind: 'reply', event: 'replied', how: 'references', ...on('sarah') });
    expect(await take('apple-mail-reply.eml')).toMatchObject({ kind: 'reply', event: 'replied', how: 'references', ...on('david') });
    expect(await take('reply-no-headers.eml')).toMatchObject({ kind: 'reply', event: 'replied', how: 'subject', ...on('julien') });
    expect(await take('out-of-office-fr.eml')).toMatchObject({ kind: 'auto-reply', event: 'auto-replied', how: 'references', ...on('benoit') });
    expect(await take('out-of-office-en.eml')).toMatchObject({ kind: 'auto-reply', event: 'auto-replied', how: 'sender', contactId: id.priya });
    expect(await take('postfix-dsn-550-user-unknown.eml')).toMatchObject({ kind: 'hard-bounce', event: 'bounced', ...on('louise') });
    expect(await take('exchange-dsn-mailbox-full.eml')).toMatchObject({ kind: 'soft-bounce', event: 'soft-bounced', ...on('anna') });
    expect(await take('arf-complaint.eml')).toMatchObject({ kind: 'complaint', event: 'complained', ...on('emma') });
    expect(await take('unsubscribe-mailto.eml')).toMatchObject({ kind: 'unsubscribe', event: 'unsubscribed', contactId: id.nathalie });
    expect(await take('unrelated.eml')).toMatchObject({ event: 'unmatched' });
    // A message taken twice (a provider retrying) counts once.
    expect(await take('gmail-reply.eml')).toMatchObject({ event: 'duplicate' });

    const suppressed = async (p: Person) => (await redis.hexists(keys.suppressed(), PEOPLE[p].email)) === 1;
    expect(await suppressed('louise')).toBe(true);
    expect(await suppressed('emma')).toBe(true);
    expect(await suppressed('nathalie')).toBe(true);
    expect(await suppressed('anna')).toBe(false);
    expect(await suppressed('benoit')).toBe(false);

    // The event log: one entry per message, where it belongs; the unmatched one in the global log.
    const log = (await redis.xrange(keys.events('outreach'), '-', '+')).map(([, f]) => ({ e: f[1], c: f[3], i: f[f.indexOf('i') + 1] }));
    expect(log.filter((e) => e.e === 'replied').map((e) => e.c).sort()).toEqual([id.marc, id.sarah, id.david, id.julien].sort());
    expect(log.find((e) => e.e === 'bounced')).toMatchObject({ c: id.louise, i: String(visitOf('louise')) });
    const global = (await redis.xrange(keys.globalEvents(), '-', '+')).map(([, f]) => f);
    expect(global.filter((f) => f[1] === 'unmatched')).toHaveLength(1);

    // Three days on: the repliers' runs ended as replied and they get nothing more; the
    // auto-repliers and the soft bounce go on; the suppressed get nothing.
    await t.runTo(new Date(T0 + 4 * D).toISOString());
    for (const p of ['marc', 'sarah', 'david', 'julien'] as const) {
      expect(await enrollmentOf(redis, keys, 'outreach', id[p]), p).toMatchObject({ status: 'replied' });
      expect(await sink.received(PEOPLE[p].email), p).toBe(1);
    }
    for (const p of ['benoit', 'priya', 'anna'] as const) expect(await sink.received(PEOPLE[p].email), p).toBe(2);
    for (const p of ['louise', 'emma', 'nathalie'] as const) expect(await sink.received(PEOPLE[p].email), p).toBe(1);
  }, 120_000);

  it('relance inbound takes a folder: every message reported; a file that is not an email is refused, exit 1 at the end', async () => {
    const { keys } = testRedis();
    const env = { ...process.env, REDIS_URL, RELANCE_PREFIX: keys.prefix.replace(/^\{|\}$/g, ''), RELANCE_SECRET: SECRET };
    const run = (args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['bin/relance.js', 'inbound', ...args], { cwd: ROOT, env }, (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }));
    });
    // The folder holds the 11 messages and their README, which is no email.
    const folder = await run([FIXTURES]);
    expect(folder.code).toBe(1);
    expect(folder.stderr).toMatch(/README\.md: refused: /);
    // No contact knows these addresses in this prefix: every message is reported, as unmatched.
    expect(folder.stdout.trim().split('\n')).toHaveLength(11);
    expect(folder.stdout).toContain('postfix-dsn-550-user-unknown.eml: hard-bounce: unmatched');
    const one = await run([join(FIXTURES, 'gmail-reply.eml')]);
    expect(one).toMatchObject({ code: 0 });
    expect(one.stdout).toContain('gmail-reply.eml: already taken');
  }, 60_000);
});
