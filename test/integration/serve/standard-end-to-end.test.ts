import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importContacts } from '../../../src/contacts/import.js';
import { buildApp } from '../../../src/serve/app.js';
import { serveDeps } from '../../../src/serve/start.js';
import { VirtualClock } from '../../../src/time/clock.js';
import { SECRET, install, onCleanup, startEngine, waitFor } from '../../helpers/engine.js';
import { testRedis } from '../../helpers/redis.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';

/**
 * The catalogue's `standard` scenario end to end: contacts imported from CSV, the scenario file
 * applied, the initial email sent over SMTP to a sink in another process; then what recipients
 * do, by requesting the URLs their emails carry over real HTTP (pixel, links, form, one-click
 * unsubscribe); then the clock moves on and the follow-ups reach exactly SPEC 3.4's audiences:
 * global 1 → every recipient of initial except the form's; global 2 → every recipient of global 1
 * except the form's. The engine runs on a virtual clock shared with the HTTP app (in this
 * process, on a real socket), so both agree on when things happen. The doctor runs after it.
 */

let sink: SmtpSink;
beforeAll(async () => { sink = await startSmtpSink(); });
afterAll(async () => { await sink.stop(); });

const ROOT = join(import.meta.dirname, '../../..');
const CSV = ['email,firstName,company,country,companySize', ...Array.from({ length: 10 }, (_, i) => `cfo${i}@saas${i}.example,Pat${i},Saas ${i},${i % 2 ? 'US' : 'CA'},${60 + i}`), 'small@tiny.example,Sam,Tiny,US,5'].join('\n');

function header(raw: string, name: string): string | undefined {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]+/g, ' ');
  return new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1];
}

/** The HTML part, quoted-printable decoded (soft breaks and =XX). */
function html(raw: string): string {
  const part = raw.split(/--=_relance_[^\r\n]+/).find((p) => p.includes('Content-Type: text/html'))!;
  const body = part.slice(part.indexOf('\r\n\r\n') + 4);
  return Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
}

describe('the standard scenario, end to end over SMTP and HTTP', () => {
  it('follow-ups reach exactly the audiences of SPEC 3.4, whatever recipients open or click', async () => {
    const { redis, keys } = testRedis();
    const dir = mkdtempSync(join(tmpdir(), 'relance-standard-'));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    cpSync(join(ROOT, 'scenarios/standard.yaml'), join(dir, 'standard.yaml'));
    cpSync(join(ROOT, 'scenarios/standard'), join(dir, 'standard'), { recursive: true });

    const imported = await importContacts({ redis, keys, list: 'cfo-saas-north-america-2026', stream: Readable.from([CSV]) });
    expect(imported.imported).toBe(11);
    // A Tuesday morning in Chicago, inside the scenario's send window.
    const clock = new VirtualClock(new Date('2026-03-03T15:00:00Z'));
    const app = await buildApp(serveDeps({ redis, keys, clock, env: { ...process.env, RELANCE_SECRET: SECRET } }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    onCleanup(() => app.close());
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const applied = await install(redis, keys, dir, clock.now());
    expect(applied.applied[0]?.admission?.admitted).toBe(10); // the 5-employee company is out of the segment
    const t = startEngine({ redis, keys, clock, smtpUrl: sink.url, publicUrl: base });
    await t.runTo('2026-03-03T16:00:00Z');

    const initial = new Map<string, string>();
    for (const m of await sink.messages()) initial.set(m.to[0]!, m.raw!);
    expect(initial.size).toBe(10);
    const people = [...initial.keys()].sort();
    const [opener, clicker, former1, former2, leaver] = people as [string, string, string, string, string];
    const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';
    clock.advance(3_600_000); // an hour after delivery: people, not scanners

    // Opens and clicks, from the URLs in the emails: they change no audience of `standard`.
    for (const who of [opener, clicker]) {
      const pixel = /<img src="([^"]+\/o\/[^"]+\.gif)"/.exec(html(initial.get(who)!))![1]!;
      expect((await fetch(pixel, { headers: { 'user-agent': CHROME } })).status).toBe(200);
    }
    const link = [...html(initial.get(clicker)!).matchAll(/href="([^"]+\/c\/[^"]+)"/g)].map((m) => m[1]!).find((u) => !u.endsWith('/hp'))!;
    const click = await fetch(link, { redirect: 'manual', headers: { 'user-agent': CHROME } });
    expect(click.status).toBe(302);
    expect(await redis.hvals(keys.links('standard'))).toContain(click.headers.get('location'));
    // Two submit the form through the link of their email; one unsubscribes in one click.
    // The form's link is tracked like any other: its URL (with the contact's signed `t`) is among
    // those the send stored, where the click redirect would lead.
    const stored = async (who: string) => {
      const ids = [...html(initial.get(who)!).matchAll(/href="[^"]+\/c\/[^"/]+\/([^"/]+)"/g)].map((m) => m[1]!);
      return (await redis.hmget(keys.links('standard'), ...ids)).filter((u): u is string => u !== null);
    };
    for (const who of [former1, former2]) {
      const form = (await stored(who)).find((u) => u.includes('/f/standard/reporting-audit?t='))!;
      expect(form.startsWith(`${base}/f/`)).toBe(true);
      const res = await fetch(form, { method: 'POST', headers: { 'content-type': 'application/json', 'user-agent': CHROME }, body: JSON.stringify({ firstName: 'Pat', company: 'Saas', billingSystem: 'Stripe' }) });
      expect(res.status).toBe(200);
    }
    const unsubscribe = /<(https?:\/\/[^>]+\/u\/[^>]+)>/.exec(header(initial.get(leaver)!, 'List-Unsubscribe')!)![1]!;
    const one = await fetch(unsubscribe, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click', redirect: 'manual' });
    expect(one.status).toBe(200);
    expect(one.headers.get('location')).toBeNull();

    // The engine reads what the server recorded: flags for the opens and clicks, exits for the rest.
    // (The pixel's event is recorded behind its answer: wait for it.)
    const events = await waitFor(async () => {
      const types = (await redis.xrange(keys.events('standard'), '-', '+')).map(([, f]) => f[1]!).sort();
      return types.length >= 6 ? types : undefined;
    }, 10_000, 'the six events in the log');
    expect(events).toEqual(['clicked', 'form-submitted', 'form-submitted', 'opened', 'opened', 'unsubscribed']);

    await t.runTo('2026-04-15T00:00:00Z');
    const bySubject = new Map<string, string[]>();
    for (const m of await sink.messages()) {
      const subject = header(m.raw!, 'Subject')!;
      bySubject.set(subject, [...(bySubject.get(subject) ?? []), m.to[0]!].sort());
    }
    const stayed = people.filter((p) => ![former1, former2, leaver].includes(p));
    expect(bySubject.get('What we usually find in a SaaS reporting audit')).toEqual(stayed);
    expect(bySubject.get('Last call: free reporting audits close on Friday')).toEqual(stayed);
    expect([...bySubject.values()].flat()).toHaveLength(10 + 2 * stayed.length);
  });
});
