import { seededRandom } from '../../../../src/synthetic/random.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InboundParseError, MAX_INBOUND_BYTES, parseInbound } from '../../../../src/events/inbound/parse.js';
import type { InboundKind, InboundMessage } from '../../../../src/events/inbound/types.js';

const FIXTURES = new URL('../../../fixtures/inbound/', import.meta.url);
const fixture = (name: string): Buffer => readFileSync(fileURLToPath(new URL(name, FIXTURES)));
/** A fixture with some of its text replaced (each `from` must be there: the test says what it changes). */
function edited(name: string, ...edits: Array<[string | RegExp, string]>): Buffer {
  let text = fixture(name).toString('utf8');
  for (const [from, to] of edits) {
    const next = text.replace(from, to);
    if (next === text) throw new Error(`${String(from)} not found in ${name}`);
    text = next;
  }
  return Buffer.from(text, 'utf8');
}
const id = (hex: string): string => `<${hex}@acme-analytics.example>`;
/** A message from header lines and a body, CRLF. */
const mail = (headers: string[], body = 'Hello Claire,\r\n\r\nThanks for the benchmark.\r\n'): Buffer => Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}`, 'utf8');
const PERSON = ['From: Marc Lefevre <marc.lefevre@gmail.com>', 'To: Claire Dubois <claire@acme-analytics.example>', 'Date: Mon, 2 Mar 2026 11:02:28 +0100', 'Message-ID: <CAH7aa01@mail.gmail.com>'];

async function failure(raw: Buffer): Promise<InboundParseError> {
  const error: unknown = await parseInbound(raw).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(InboundParseError);
  return error as InboundParseError;
}

/** A seeded generator: the junk and the mutations are the same on every run. */
const random = seededRandom;

const KINDS: InboundKind[] = ['reply', 'auto-reply', 'hard-bounce', 'soft-bounce', 'complaint', 'unsubscribe', 'unmatched'];
function expectWellFormed(message: InboundMessage): void {
  expect(KINDS).toContain(message.kind);
  for (const ref of message.refs) expect(ref).toMatch(/^<[^<>\s]+@[^<>\sA-Z]+>$/);
  for (const v of message.verp) expect(v).toMatch(/^[0-9a-f]{32}$/);
  expect(typeof message.from).toBe('string');
  expect(message.subject).not.toMatch(/[\r\n\0]/);
  if (message.text !== undefined) expect(message.text.length).toBeLessThanOrEqual(10_000);
}

describe('fixtures', () => {
  it('gmail-reply.eml: a reply, In-Reply-To first, the new text without the wrapped "On … wrote:" and the quote', async () => {
    const m = await parseInbound(fixture('gmail-reply.eml'));
    expect(m).toMatchObject({
      kind: 'reply',
      refs: [id('3f2a9c0d8e7b6a5f4e3d2c1b0a998877')],
      verp: [],
      from: 'marc.lefevre@gmail.com',
      to: ['claire@acme-analytics.example'],
      subject: 'Re: Your 2026 SaaS finance benchmark',
      messageId: '<CAH7Zp9T4kXq2v0Wm1nF8b+Lr3sYd6Jc5eQx_Uo2hGtAa9iKwRg@mail.gmail.com>',
    });
    expect(m.date).toEqual(new Date('2026-03-02T10:02:28Z'));
    expect(m.text).toBe("Hi Claire,\n\nYes, a walkthrough would be useful. Thursday 5 March at 14:00 works for me \u2014 I'll bring our FP&A lead.\n\nMarc");
    expect(m.reason).toBeUndefined();
  });

  it('outlook-reply-references-only.eml: References newest first, the "From: … Sent: …" block and the signature cut', async () => {
    const m = await parseInbound(fixture('outlook-reply-references-only.eml'));
    expect(m).toMatchObject({
      kind: 'reply',
      refs: [id('186c42df0f78d31b6e24defbe9c8748d'), id('7db528daa0cdcb1d9434afb086102362')],
      verp: [],
      from: 'sarah.collins@northwind-traders.example',
      to: ['claire@acme-analytics.example', 'tom.becker@northwind-traders.example'],
      subject: 'RE: Your 2026 SaaS finance benchmark',
      // The domain lowercased, the local part as written.
      messageId: '<DB9PR04MB84235C1F0E7A5B2D94E6C3A18F4B2A@db9pr04mb8423.eurprd04.prod.outlook.com>',
    });
    expect(m.text).toBe('Hi Claire,\n\nThanks for following up. Please send the benchmark deck to Tom and me; we review vendor data on Fridays, so anything before 13 March is fine.');
  });

  it('apple-mail-reply.eml: In-Reply-To then References newest first, "> On … wrote:" and the quote out', async () => {
    const m = await parseInbound(fixture('apple-mail-reply.eml'));
    expect(m).toMatchObject({
      kind: 'reply',
      refs: [id('775fb8456926550c1876043b90e19245'), id('34bfceb2d58616fc88ba6653a9f93024')],
      verp: [],
      from: 'david.okafor@icloud.com',
      to: ['claire@acme-analytics.example'],
      messageId: '<E34C8F56-9E80-470C-A4D4-ABD0CAFAF318@icloud.com>',
    });
    expect(m.text).toBe('Hi Claire,\n\nWe closed Q1 in 9 working days, down from 14 last year. I\u2019d be happy to walk you through how we did it in exchange for the benchmark\u2019s SaaS section.\n\nDavid');
  });

  it('reply-no-headers.eml: a reply with no references, "Le … a écrit :" and the signature out', async () => {
    const m = await parseInbound(fixture('reply-no-headers.eml'));
    expect(m).toMatchObject({ kind: 'reply', refs: [], verp: [], from: 'julien.fabre@laposte.net', subject: 'Re: Votre benchmark finance SaaS 2026', reason: 'no references' });
    expect(m.text).toBe("Bonjour Claire,\n\nMerci pour le benchmark. Nous sommes en train de changer d'outil de reporting : pouvez-vous me rappeler la semaine du 16 mars ?");
  });

  it('out-of-office-fr.eml: an auto-reply (Auto-Submitted), encoded subject decoded, its text', async () => {
    const m = await parseInbound(fixture('out-of-office-fr.eml'));
    expect(m).toMatchObject({
      kind: 'auto-reply',
      reason: 'Auto-Submitted: auto-replied',
      refs: [id('bbc1f9ad22348408e92e23f3fec8130a')],
      from: 'benoit.garnier@groupe-vialle.example',
      subject: 'R\u00e9ponse automatique\u00a0: Votre benchmark finance SaaS 2026',
    });
    expect(m.text).toBe("Bonjour,\n\nJe suis absent du bureau jusqu'au lundi 9 mars inclus, avec un acc\u00e8s limit\u00e9 \u00e0 mes e-mails.\nPour toute urgence, merci de contacter Claire Morel (claire.morel@groupe-vialle.example).");
  });

  it('out-of-office-fr.eml without Auto-Submitted: still automatic by its subject; X-Auto-Response-Suppress alone is not', async () => {
    const bySubject = await parseInbound(edited('out-of-office-fr.eml', ['Auto-Submitted: auto-replied\r\n', '']));
    expect(bySubject).toMatchObject({ kind: 'auto-reply', reason: 'out-of-office subject' });
    const neither = await parseInbound(
      edited('out-of-office-fr.eml', ['Auto-Submitted: auto-replied\r\n', ''], [/Subject: =\?iso-8859-1\?Q\?R=E9ponse_automatique=A0:_/, 'Subject: =?iso-8859-1?Q?Re:_']),
    );
    expect(neither.subject).toBe('Re: Votre benchmark finance SaaS 2026');
    // Return-Path <> is a machine's: with no sign of an auto-reply it is not taken for a person's reply either.
    expect(neither).toMatchObject({ kind: 'unmatched' });
  });

  it('out-of-office-en.eml: Gmail vacation responder, text from the HTML-only body, nothing to thread on', async () => {
    const m = await parseInbound(fixture('out-of-office-en.eml'));
    expect(m).toMatchObject({ kind: 'auto-reply', reason: 'Auto-Submitted: auto-replied', refs: [], verp: [], from: 'priya.raman@gmail.com', to: ['claire@acme-analytics.example'] });
    expect(m.text).toContain('I am out of the office until Monday 9 March with no access to email.');
    expect(m.text).not.toContain('<div');
  });

  it('out-of-office-en.eml: Precedence: bulk counts only with an out-of-office subject', async () => {
    const headersOff: Array<[string, string]> = [
      ['Auto-Submitted: auto-replied\r\n', ''],
      ['X-Autoreply: yes\r\n', ''],
    ];
    expect(await parseInbound(edited('out-of-office-en.eml', ...headersOff))).toMatchObject({ kind: 'auto-reply', reason: 'Precedence: bulk and an out-of-office subject' });
    const plainSubject = await parseInbound(edited('out-of-office-en.eml', ...headersOff, ['Subject: Out of office until 9 March Re:', 'Subject: Re:']));
    expect(plainSubject).toMatchObject({ kind: 'reply', reason: 'no references' });
  });

  it('postfix-dsn-550-user-unknown.eml: a hard bounce with recipient, status, diagnostic, the original id and the VERP id', async () => {
    const m = await parseInbound(fixture('postfix-dsn-550-user-unknown.eml'));
    expect(m).toMatchObject({
      kind: 'hard-bounce',
      recipient: 'l.bernard@cabinet-roux.example',
      status: '5.1.1',
      diagnostic: '550 5.1.1 <l.bernard@cabinet-roux.example>: Recipient address rejected: User unknown in local recipient table',
      refs: [id('4a11214adbf4448e3eff53ef1882ea91')],
      verp: ['4a11214adbf4448e3eff53ef1882ea91'],
      from: 'mailer-daemon@smtp-out.acme-analytics.example',
      subject: 'Undelivered Mail Returned to Sender',
    });
    expect(m.text).toBeUndefined();
  });

  it('postfix-dsn-550-user-unknown.eml without Final- and Original-Recipient: the recipient is the returned original To', async () => {
    const m = await parseInbound(
      edited('postfix-dsn-550-user-unknown.eml', ['Final-Recipient: rfc822; l.bernard@cabinet-roux.example\r\n', ''], ['Original-Recipient: rfc822;l.bernard@cabinet-roux.example\r\n', ''], ['To: Louise Bernard <l.bernard@cabinet-roux.example>', 'To: Louise Bernard <louise.bernard@cabinet-roux.example>']),
    );
    expect(m).toMatchObject({ kind: 'hard-bounce', recipient: 'louise.bernard@cabinet-roux.example', status: '5.1.1' });
  });

  it('exchange-dsn-mailbox-full.eml: a soft bounce (4.2.2, delayed), the original read from its message/rfc822 part', async () => {
    const m = await parseInbound(fixture('exchange-dsn-mailbox-full.eml'));
    expect(m).toMatchObject({
      kind: 'soft-bounce',
      recipient: 'anna.hartmann@hartmann-logistik.example',
      status: '4.2.2',
      diagnostic: '432 4.2.2 STOREDRV.Deliver; mailbox full',
      refs: [id('3598217d667616504cde3be56d9c9e53')],
      verp: ['3598217d667616504cde3be56d9c9e53'],
      messageId: '<c0a1e8f4-5b2d-4e77-9a3c-6d1f0e2b8a94@exch02.hartmann-logistik.local>',
    });
  });

  it("exchange-dsn-mailbox-full.eml: the returned original's Return-Path and Message-ID alone name the send", async () => {
    const m = await parseInbound(
      edited(
        'exchange-dsn-mailbox-full.eml',
        ['Delivered-To: bounces+3598217d667616504cde3be56d9c9e53@', 'Delivered-To: postmaster@'],
        ['To: <bounces+3598217d667616504cde3be56d9c9e53@', 'To: <postmaster@'],
        ['In-Reply-To: <3598217d667616504cde3be56d9c9e53@acme-analytics.example>\r\n', ''],
        ['References: <3598217d667616504cde3be56d9c9e53@acme-analytics.example>\r\n', ''],
      ),
    );
    expect(m.to).toEqual(['postmaster@acme-analytics.example']);
    expect(m.verp).toEqual(['3598217d667616504cde3be56d9c9e53']);
    expect(m.refs).toEqual([id('3598217d667616504cde3be56d9c9e53')]);
  });

  it('arf-complaint.eml: a complaint, recipient from Original-Rcpt-To, the original id, VERP from the original', async () => {
    const m = await parseInbound(fixture('arf-complaint.eml'));
    expect(m).toMatchObject({
      kind: 'complaint',
      reason: 'feedback report: abuse',
      recipient: 'e.girard@courriel.example',
      refs: [id('457b1c78f441a1251c38cd524bc5f81d')],
      verp: ['457b1c78f441a1251c38cd524bc5f81d'],
      from: 'fbl@feedback.courriel.example',
      to: ['fbl@acme-analytics.example'],
    });
  });

  it("arf-complaint.eml: Original-Rcpt-To wins over the original's To, which stands in when it is missing", async () => {
    const otherTo: [string, string] = ['To: Emma Girard <e.girard@courriel.example>', 'To: Emma Girard <emma.girard@courriel.example>'];
    expect((await parseInbound(edited('arf-complaint.eml', otherTo))).recipient).toBe('e.girard@courriel.example');
    expect((await parseInbound(edited('arf-complaint.eml', otherTo, ['Original-Rcpt-To: <e.girard@courriel.example>\r\n', '']))).recipient).toBe('emma.girard@courriel.example');
  });

  it("arf-complaint.eml: the VERP id comes from Original-Mail-From and from the original's Return-Path", async () => {
    const noMailFrom: [string, string] = ['Original-Mail-From: <bounces+457b1c78f441a1251c38cd524bc5f81d@acme-analytics.example>\r\n', ''];
    expect((await parseInbound(edited('arf-complaint.eml', noMailFrom))).verp).toEqual(['457b1c78f441a1251c38cd524bc5f81d']);
    const neither = await parseInbound(edited('arf-complaint.eml', noMailFrom, ['Return-Path: <bounces+457b1c78f441a1251c38cd524bc5f81d@acme-analytics.example>\r\n', '']));
    expect(neither.verp).toEqual([]);
    expect(neither.kind).toBe('complaint');
  });

  it('arf-complaint.eml with Feedback-Type: not-spam is not a complaint', async () => {
    const m = await parseInbound(edited('arf-complaint.eml', ['Feedback-Type: abuse', 'Feedback-Type: not-spam']));
    expect(m).toMatchObject({ kind: 'unmatched', reason: 'feedback report of type not-spam, not a complaint' });
  });

  it('unsubscribe-mailto.eml: an unsubscribe from its sender', async () => {
    const m = await parseInbound(fixture('unsubscribe-mailto.eml'));
    expect(m).toMatchObject({ kind: 'unsubscribe', from: 'nathalie.perrin@gmail.com', to: ['unsubscribe@acme-analytics.example'], subject: 'unsubscribe', reason: 'sent to unsubscribe@acme-analytics.example' });
  });

  it('unsubscribe-mailto.eml with another unsubscribe address configured is a plain message', async () => {
    const m = await parseInbound(fixture('unsubscribe-mailto.eml'), { isUnsubscribeAddress: (a) => a === 'optout@acme-analytics.example' });
    expect(m.kind).toBe('reply');
    expect(m.text).toBe('This message was automatically generated by Gmail.');
  });

  it('unrelated.eml: a newsletter is a reply with no references at this stage (Precedence: bulk alone is not automatic)', async () => {
    const m = await parseInbound(fixture('unrelated.eml'));
    expect(m).toMatchObject({ kind: 'reply', reason: 'no references', refs: [], verp: [], from: 'news@ledgerly.example', subject: 'Ledgerly product news \u2014 March 2026' });
    expect(m.text).toContain('Three things shipped this month:');
    expect(m.text).not.toContain('Unsubscribe');
  });
});

describe('not an email', () => {
  it('empty input', async () => {
    expect((await failure(Buffer.alloc(0))).message).toMatch(/empty input/);
  });

  it('whitespace only', async () => {
    expect((await failure(Buffer.from('\r\n\r\n  \t\r\n'))).message).toMatch(/only whitespace/);
  });

  it('binary junk: a PNG, random bytes', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c636000010000050001', 'hex');
    expect((await failure(png)).message).toMatch(/binary data/);
    const next = random(7);
    const junk = Buffer.from(Array.from({ length: 4096 }, () => Math.floor(next() * 256)));
    expect((await failure(junk)).code).toBe('INBOUND_UNREADABLE');
  });

  it('text with no header block', async () => {
    expect((await failure(Buffer.from('Hello Claire,\n\nthanks for the benchmark, see you Thursday.\n'))).message).toMatch(/no header block/);
  });

  it('headers but no From and no report', async () => {
    expect((await failure(mail(['To: claire@acme-analytics.example', 'Subject: hello']))).message).toMatch(/no From header/);
  });

  it('more than 10 MB, refused unread; exactly 10 MB is read', async () => {
    const over = await failure(Buffer.alloc(MAX_INBOUND_BYTES + 1, 0x61));
    expect(over.message).toMatch(/10 MB/);
    expect(MAX_INBOUND_BYTES).toBe(10 * 1024 * 1024);
    const head = mail([...PERSON, 'Subject: big', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8'], '');
    const body = Buffer.alloc(MAX_INBOUND_BYTES - head.length, 'a');
    for (let i = 76; i < body.length; i += 78) body.write('\r\n', i - 1);
    const m = await parseInbound(Buffer.concat([head, body]));
    expect(m.kind).toBe('reply');
    expect(m.text?.length).toBeLessThanOrEqual(10_000);
  });

  it('something that is not a Buffer', async () => {
    expect((await failure('From: a@b.example\r\n\r\nhi' as unknown as Buffer)).message).toMatch(/not a Buffer/);
  });
});

describe('classification', () => {
  it('Auto-Submitted: no, and X-Auto-Response-Suppress alone, leave a reply a reply', async () => {
    expect((await parseInbound(mail([...PERSON, 'Subject: Re: benchmark', 'Auto-Submitted: no']))).kind).toBe('reply');
    expect((await parseInbound(mail([...PERSON, 'Subject: Re: benchmark', 'X-Auto-Response-Suppress: All']))).kind).toBe('reply');
  });

  it('X-Autorespond and Precedence: auto_reply make an auto-reply', async () => {
    expect(await parseInbound(mail([...PERSON, 'Subject: Re: benchmark', 'X-Autorespond: yes']))).toMatchObject({ kind: 'auto-reply', reason: 'X-Autorespond: yes' });
    expect(await parseInbound(mail([...PERSON, 'Subject: Re: benchmark', 'Precedence: auto_reply']))).toMatchObject({ kind: 'auto-reply', reason: 'Precedence: auto_reply' });
  });

  it.each([
    'Out of Office: Re: Your 2026 SaaS finance benchmark',
    'Automatic reply: Your 2026 SaaS finance benchmark',
    'Auto: Your 2026 SaaS finance benchmark',
    'Absent : Votre benchmark finance SaaS 2026',
    'Absence du bureau',
    '=?UTF-8?Q?R=C3=A9ponse_automatique_:_Votre_benchmark?=',
    "Message d'absence",
    "Je suis absente jusqu'au 9 mars",
    '[EXTERNAL] Automatic reply: benchmark',
  ])('an out-of-office subject alone: %s', async (subject) => {
    expect(await parseInbound(mail([...PERSON, `Subject: ${subject}`]))).toMatchObject({ kind: 'auto-reply', reason: 'out-of-office subject' });
  });

  it.each(['Re: Absence of data in the benchmark', 'Re: Your 2026 SaaS finance benchmark', 'Question about auto-renewal'])('a person\u2019s subject: %s', async (subject) => {
    expect((await parseInbound(mail([...PERSON, `Subject: ${subject}`]))).kind).toBe('reply');
  });

  it('the default unsubscribe address: any domain, any case, a +tag, in To or Cc; not a display name', async () => {
    const to = await parseInbound(mail(['From: a.person@example.org', 'To: UNSUBSCRIBE+list42@Acme-Analytics.example', 'Subject: unsubscribe']));
    expect(to).toMatchObject({ kind: 'unsubscribe', from: 'a.person@example.org', reason: 'sent to unsubscribe+list42@acme-analytics.example' });
    const cc = await parseInbound(mail(['From: a.person@example.org', 'To: claire@acme-analytics.example', 'Cc: unsubscribe@news.example', 'Subject: stop']));
    expect(cc.kind).toBe('unsubscribe');
    const named = await parseInbound(mail(['From: a.person@example.org', 'To: "unsubscribe@acme-analytics.example" <claire@acme-analytics.example>', 'Subject: stop']));
    expect(named.kind).toBe('reply');
  });

  it('an unsubscribe with Auto-Submitted is still an unsubscribe (it must never be lost)', async () => {
    const m = await parseInbound(mail(['From: a.person@example.org', 'To: unsubscribe@acme-analytics.example', 'Subject: unsubscribe', 'Auto-Submitted: auto-generated']));
    expect(m.kind).toBe('unsubscribe');
  });

  it('a From with no address is unmatched', async () => {
    const m = await parseInbound(mail(['From: undisclosed sender', 'To: claire@acme-analytics.example', 'Subject: hi']));
    expect(m).toMatchObject({ kind: 'unmatched', from: '', reason: 'no sender address' });
  });

  it('a bounce with no delivery-status part (qmail style) is not a reply', async () => {
    const m = await parseInbound(
      mail(
        ['Return-Path: <>', 'From: MAILER-DAEMON@mail.example.net', 'To: bounces+4a11214adbf4448e3eff53ef1882ea91@acme-analytics.example', 'Subject: failure notice'],
        "Hi. This is the qmail-send program at mail.example.net.\r\nI'm afraid I wasn't able to deliver your message to the following addresses.\r\n\r\n<l.bernard@example.net>:\r\nSorry, no mailbox here by that name. (#5.1.1)\r\n",
      ),
    );
    expect(m).toMatchObject({ kind: 'unmatched', verp: ['4a11214adbf4448e3eff53ef1882ea91'] });
    expect(m.reason).toMatch(/mail system/);
  });

  it('a read receipt (multipart/report of another kind) is unmatched', async () => {
    const m = await parseInbound(
      mail(
        [...PERSON, 'Subject: Read: Your 2026 SaaS finance benchmark', 'MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=disposition-notification; boundary="b1"'],
        '--b1\r\nContent-Type: text/plain\r\n\r\nYour message was read.\r\n--b1\r\nContent-Type: message/disposition-notification\r\n\r\nFinal-Recipient: rfc822; marc.lefevre@gmail.com\r\nDisposition: manual-action/MDN-sent-manually; displayed\r\n--b1--\r\n',
      ),
    );
    expect(m).toMatchObject({ kind: 'unmatched', reason: 'a report of another kind (disposition-notification)' });
  });

  const dsn = (perRecipient: string): Buffer =>
    mail(
      ['Return-Path: <>', 'From: MAILER-DAEMON@mx.example.net (Mail Delivery System)', 'To: bounces+4a11214adbf4448e3eff53ef1882ea91@acme-analytics.example', 'Subject: Delivery report', 'MIME-Version: 1.0', 'Content-Type: multipart/report; report-type=delivery-status; boundary="r1"'],
      `--r1\r\nContent-Type: text/plain\r\n\r\nReport.\r\n--r1\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.net\r\n\r\n${perRecipient}\r\n--r1--\r\n`,
    );

  it('a delivery report of a success is unmatched, with its status', async () => {
    const m = await parseInbound(dsn('Final-Recipient: rfc822; a@example.net\r\nAction: delivered\r\nStatus: 2.0.0\r\n'));
    expect(m).toMatchObject({ kind: 'unmatched', status: '2.0.0', recipient: 'a@example.net', reason: 'delivery report of a success (delivered 2.0.0), not a bounce' });
  });

  it('a delivery report: the failed recipient wins over a delayed one; no Status falls back to the diagnostic, then the action', async () => {
    const both = await parseInbound(dsn('Final-Recipient: rfc822; late@example.net\r\nAction: delayed\r\nStatus: 4.4.1\r\n\r\nFinal-Recipient: rfc822; gone@example.net\r\nAction: failed\r\nStatus: 5.1.1\r\n'));
    expect(both).toMatchObject({ kind: 'hard-bounce', recipient: 'gone@example.net', status: '5.1.1' });
    const fromDiagnostic = await parseInbound(dsn('Final-Recipient: rfc822; a@example.net\r\nAction: failed\r\nDiagnostic-Code: smtp; 552-5.2.2 mailbox over quota (host 4.2.2.1)\r\n'));
    expect(fromDiagnostic).toMatchObject({ kind: 'hard-bounce', status: '5.2.2', diagnostic: '552-5.2.2 mailbox over quota (host 4.2.2.1)' });
    const fromAction = await parseInbound(dsn('Final-Recipient: rfc822; a@example.net\r\nAction: delayed\r\n'));
    expect(fromAction.kind).toBe('soft-bounce');
    expect(fromAction.status).toBeUndefined();
    const nothing = await parseInbound(dsn('X-Nothing: here\r\n'));
    expect(nothing).toMatchObject({ kind: 'unmatched', reason: 'delivery report with no recipient' });
  });

  it('refs: In-Reply-To first (its comment skipped), References newest first, domains lowercased, each once', async () => {
    const m = await parseInbound(
      mail([
        ...PERSON,
        'Subject: Re: benchmark',
        'In-Reply-To: <C0ffee@Acme-Analytics.EXAMPLE> (Claire Dubois\'s message of "Mon, 2 Mar 2026")',
        'References: <first@a.example> <Second@B.example>',
        '\t<C0ffee@acme-analytics.example>',
      ]),
    );
    expect(m.refs).toEqual(['<C0ffee@acme-analytics.example>', '<Second@b.example>', '<first@a.example>']);
  });

  it('refs: a hostile References keeps the newest hundred', async () => {
    const ids = Array.from({ length: 5000 }, (_, i) => `<r${i}@x.example>`);
    const m = await parseInbound(mail([...PERSON, 'Subject: Re: x', `References: ${ids.join('\r\n ')}`]));
    expect(m.refs).toHaveLength(100);
    expect(m.refs[0]).toBe('<r4999@x.example>');
  });

  it('verp: from Cc, Delivered-To and X-Original-To; not from a tag that is not 32 hex', async () => {
    const m = await parseInbound(
      mail([
        'From: a.person@example.org',
        'To: claire@acme-analytics.example',
        'Cc: bounces+0B123C8E988151B7D65B84F5B9B020EE@acme-analytics.example',
        'Delivered-To: bounces+424b52e9dc47dcbe45b5381085f85b38@acme-analytics.example',
        'X-Original-To: bounces+not-an-id@acme-analytics.example',
        'Subject: hi',
      ]),
    );
    expect(m.verp).toEqual(['0b123c8e988151b7d65b84f5b9b020ee', '424b52e9dc47dcbe45b5381085f85b38']);
    expect(m.to).toContain('bounces+not-an-id@acme-analytics.example');
  });
});

describe('reply text', () => {
  const reply = async (body: string, headers: string[] = []): Promise<string | undefined> => (await parseInbound(mail([...PERSON, 'Subject: Re: benchmark', ...headers], body))).text;

  it('an HTML-only reply: the blockquote and Gmail attribution out', async () => {
    const html =
      '<div dir="ltr">Count me in for Thursday.</div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">On Mon, 2 Mar 2026 at 09:14, Claire Dubois &lt;claire@acme-analytics.example&gt; wrote:<br></div><blockquote class="gmail_quote"><p>Would a 20-minute walkthrough be useful?</p></blockquote></div>';
    expect(await reply(html, ['MIME-Version: 1.0', 'Content-Type: text/html; charset=UTF-8'])).toBe('Count me in for Thursday.');
  });

  it('an answer written between the quoted lines keeps the answers', async () => {
    const text = await reply('On Mon, 2 Mar 2026 at 09:14, Claire Dubois <claire@acme-analytics.example> wrote:\r\n> How long is your close?\r\n\r\nNine days.\r\n\r\n> Would a walkthrough help?\r\n\r\nYes, on Thursday.\r\n');
    expect(text).toContain('Nine days.');
    expect(text).toContain('Yes, on Thursday.');
    expect(text).not.toContain('How long is your close?');
    expect(text).not.toContain('wrote:');
  });

  it('Outlook in French: "De : … Envoyé : …" and what follows are cut', async () => {
    const text = await reply('Bonjour Claire,\r\n\r\nOui, jeudi me convient.\r\n\r\nDe : Claire Dubois <claire@acme-analytics.example>\r\nEnvoy\u00e9 : lundi 2 mars 2026 09:14\r\n\u00c0 : Julien Fabre <julien.fabre@laposte.net>\r\nObjet : Votre benchmark\r\n\r\nBonjour Julien, un \u00e9change de 20 minutes ?\r\n');
    expect(text).toBe('Bonjour Claire,\n\nOui, jeudi me convient.');
  });

  it('"-----Original Message-----" and what follows are cut', async () => {
    expect(await reply('Please call me.\r\n\r\n-----Original Message-----\r\nFrom: Claire Dubois\r\nHello Marc\r\n')).toBe('Please call me.');
  });

  it('at most 10,000 characters, from the start', async () => {
    const line = 'We would like to hear more about the benchmark and its SaaS segment. ';
    const text = await reply(Array.from({ length: 500 }, () => line).join('\r\n'));
    expect(text?.startsWith('We would like to hear more')).toBe(true);
    expect(text?.length).toBeLessThanOrEqual(10_000);
    expect(text?.length).toBeGreaterThan(9_000);
  });

  it('a crafted long line does not stall the quote parser', async () => {
    const started = Date.now();
    const text = await reply(`${'2026 from <'.repeat(2_000)}\r\n`);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(text?.startsWith('2026 from <')).toBe(true);
  });
});

describe('hostile input', () => {
  it('header-injection-ish headers are read as data, never thrown on', async () => {
    const crlfName = Buffer.from('Eve\r\nBcc: victim@example.com').toString('base64');
    const crlfSubject = Buffer.from('Hello\r\nBcc: victim@example.com\u0000').toString('base64');
    const m = await parseInbound(
      mail(
        [
          `From: =?utf-8?B?${crlfName}?= <eve@evil.example>`,
          'From: second@evil.example',
          'To: claire@acme-analytics.example, undisclosed-recipients:;',
          `Subject: =?utf-8?B?${crlfSubject}?=`,
          'In-Reply-To: <<<>>> <@> <a@> (<3f2a9c0d8e7b6a5f4e3d2c1b0a998877@ACME-analytics.example>)',
          'Message-ID: not-an-id',
          'Date: 31 Feb 99999 25:61',
          'X-Original-To: bounces+zzzz@acme-analytics.example',
          'Content-Type: multipart/mixed',
          'X-Weird: \u00ff\u00fe',
        ],
        'body\u0000with a NUL\r\n',
      ),
    );
    expectWellFormed(m);
    expect(m).toMatchObject({ kind: 'reply', from: 'eve@evil.example', refs: [id('3f2a9c0d8e7b6a5f4e3d2c1b0a998877')], verp: [] });
    expect(m.subject).toBe('Hello Bcc: victim@example.com');
    expect(m.date).toBeUndefined();
    expect(m.messageId).toBeUndefined();
  });

  it('deeply nested multiparts', async () => {
    const depth = 300;
    let body = 'Content-Type: text/plain\r\n\r\ndeep\r\n';
    for (let i = depth; i > 0; i--) body = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${body}--b${i}--\r\n`;
    const raw = Buffer.from(`From: a@example.org\r\nTo: claire@acme-analytics.example\r\nSubject: nest\r\nMIME-Version: 1.0\r\n${body}`);
    const result = await parseInbound(raw).then(
      (m) => m,
      (err: unknown) => err,
    );
    if (result instanceof Error) expect(result).toBeInstanceOf(InboundParseError);
    else expectWellFormed(result as InboundMessage);
  });

  it('mutated fixtures either parse to a well-formed message or throw InboundParseError, nothing else', async () => {
    const names = ['gmail-reply.eml', 'outlook-reply-references-only.eml', 'apple-mail-reply.eml', 'out-of-office-fr.eml', 'postfix-dsn-550-user-unknown.eml', 'exchange-dsn-mailbox-full.eml', 'arf-complaint.eml'];
    const next = random(2026);
    const pick = (n: number): number => Math.floor(next() * n);
    let parsed = 0;
    let refused = 0;
    for (let round = 0; round < 210; round++) {
      const source = fixture(names[round % names.length] ?? 'gmail-reply.eml');
      const bytes = Buffer.from(source);
      const mutation = round % 3;
      let raw: Buffer;
      if (mutation === 0) {
        raw = bytes.subarray(0, pick(bytes.length));
      } else if (mutation === 1) {
        for (let i = 0; i < 20; i++) bytes[pick(bytes.length)] = pick(256);
        raw = bytes;
      } else {
        const a = pick(bytes.length);
        const b = pick(bytes.length);
        raw = Buffer.concat([bytes.subarray(0, Math.max(a, b)), bytes.subarray(Math.min(a, b))]);
      }
      try {
        expectWellFormed(await parseInbound(raw));
        parsed++;
      } catch (err) {
        expect(err).toBeInstanceOf(InboundParseError);
        refused++;
      }
    }
    // Both outcomes happen: the mutations are not all harmless, nor all fatal.
    expect(parsed).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
