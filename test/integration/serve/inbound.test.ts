import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../src/time/clock.js';
import { SECRET, SENDER, addContacts, enrollmentOf, ensureBuilt, install, scenarioFiles, startEngine } from '../../helpers/engine.js';
import { rawPost } from '../../helpers/http.js';
import { testRedis } from '../../helpers/redis.js';
import { startServe, type ServerProcess } from '../../helpers/serve.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';
import { header, parseMime } from '../../unit/delivery/mime.js';

/**
 * Mail that comes back, over real HTTP against the real server: a reply built from the email the
 * SMTP sink received, posted as raw MIME to /inbound/mime, ends the contact's run at once; the
 * second email never goes. Hostile bodies get 4xx.
 */

const TOKEN = 'inbound-test-token-0123456789';
const D = 86_400_000;
let sink: SmtpSink;
const servers: ServerProcess[] = [];
beforeAll(async () => { await ensureBuilt(); sink = await startSmtpSink(); }, 240_000);
afterEach(async () => { await Promise.all(servers.splice(0).map((s) => s.stop())); });
afterAll(async () => { await sink.stop(); });

const post = (url: string, body: string | Buffer, auth = `Bearer ${TOKEN}`) =>
  fetch(`${url}/inbound/mime`, { method: 'POST', headers: { 'content-type': 'message/rfc822', authorization: auth }, body });

/** A reply as a mail client writes it: In-Reply-To and References name the email it answers. */
function replyTo(original: { messageId: string; subject: string; to: string }, text: string): string {
  return [
    `From: Ada Lovelace <${original.to}>`,
    `To: Acme News <${SENDER}>`,
    `Subject: Re: ${original.subject}`,
    'Date: Tue, 02 Jun 2026 09:30:00 +0000',
    'Message-ID: <CAF-reply-1@mail.example.org>',
    `In-Reply-To: ${original.messageId}`,
    `References: ${original.messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    text,
    '',
    `On Mon, 1 Jun 2026 at 08:00, Acme News <${SENDER}> wrote:`,
    '> Hello Ada',
    '',
  ].join('\r\n');
}

describe('relance serve: /inbound/mime', () => {
  it('a reply to the first email, posted as raw MIME, ends the run: the second email never goes', async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('follow', `  exitOn: [reply]
  steps:
    - { id: hello, type: email, template: m/x, subject: Hello Ada }
    - { id: pause, type: wait, for: 3 days }
    - { id: again, type: email, template: m/x, subject: Still there? }
`);
    // The server hears the reply on the system clock: the engine's virtual clock starts there too.
    const T0 = Math.floor(Date.now() / 60_000) * 60_000;
    const [ada] = await addContacts(redis, keys, 'people', [{ email: 'ada@example.org' }]);
    await install(redis, keys, files.dir, new Date(T0));
    const t = startEngine({ redis, keys, clock: new VirtualClock(new Date(T0)), smtpUrl: sink.url });
    await t.runTo(new Date(T0 + 60_000).toISOString());
    const [first] = await sink.messages({ to: 'ada@example.org' });
    const mime = parseMime(first!.raw!);
    const original = { messageId: header(mime, 'Message-ID')!, subject: header(mime, 'Subject')!, to: 'ada@example.org' };
    const since = (await enrollmentOf(redis, keys, 'follow', ada!))!;
    expect(since).toMatchObject({ step: 'pause', status: 'waiting' });

    const server = await startServe(keys, { RELANCE_API_TOKENS: TOKEN, RELANCE_SECRET: SECRET });
    servers.push(server);
    const res = await post(server.url, replyTo(original, 'Yes, let us talk on Thursday.'));
    expect(res.status).toBe(200);
    const body = await res.json() as Record<string, unknown>;
    const visit = Number(Object.keys(await redis.hgetall(keys.ledger('follow')))[0]!.split('|')[2]);
    expect(body).toMatchObject({ kind: 'reply', event: 'replied', contactId: ada, scenario: 'follow', step: 'hello', visit, how: 'references' });
    // The same message posted again (a provider's retry) is taken once.
    expect(await (await post(server.url, replyTo(original, 'Yes, let us talk on Thursday.'))).json()).toMatchObject({ event: 'duplicate' });

    await t.runTo(new Date(T0 + 5 * D).toISOString());
    expect(await enrollmentOf(redis, keys, 'follow', ada!)).toMatchObject({ status: 'replied' });
    expect(await sink.received('ada@example.org')).toBe(1);
    // The reply's own words are in the log, the quoted history is not.
    const entries = await redis.xrange(keys.events('follow'), '-', '+');
    const replied = entries.map(([, f]) => f).find((f) => f[1] === 'replied')!;
    const detail = JSON.parse(replied[replied.indexOf('x') + 1]!) as { text: string };
    expect(detail.text).toContain('Yes, let us talk on Thursday.');
    expect(detail.text).not.toContain('Hello Ada');
  }, 120_000);

  it('refuses without a token, takes basic auth, and answers 4xx to junk, never a 500', async () => {
    const { keys } = testRedis();
    const server = await startServe(keys, { RELANCE_API_TOKENS: TOKEN });
    servers.push(server);
    const junk = Buffer.alloc(2 * 1024 * 1024, 0x41);
    expect((await post(server.url, 'From: a@b.c\r\n\r\nhi', '')).status).toBe(401);
    expect((await post(server.url, 'From: a@b.c\r\n\r\nhi', 'Bearer wrong')).status).toBe(401);
    const basic = `Basic ${Buffer.from(`relance:${TOKEN}`).toString('base64')}`;
    const stranger = await post(server.url, 'From: Someone <someone@elsewhere.example>\r\nTo: news@acme.test\r\nSubject: Hi\r\nMessage-ID: <x1@elsewhere.example>\r\n\r\nHello there\r\n', basic);
    expect(stranger.status).toBe(200);
    expect(await stranger.json()).toMatchObject({ event: 'unmatched' });
    for (const bad of [junk, Buffer.from([0, 1, 2, 3, 0xff, 0xfe, 0, 0]), Buffer.from('not a message at all')]) {
      const res = await post(server.url, bad);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    const huge = await rawPost(`${server.url}/inbound/mime`, Buffer.alloc(11 * 1024 * 1024, 0x41), { 'content-type': 'message/rfc822', authorization: `Bearer ${TOKEN}` });
    expect(huge.status).toBe(413);
  }, 60_000);
});
