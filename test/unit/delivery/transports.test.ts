import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderEmail, type RenderedEmail, type RenderInput } from '../../../src/delivery/render.js';
import {
  classifySendError,
  createTransport,
  describeSendError,
  dkimFromEnv,
  outboxFileName,
  parseSmtpUrl,
  redactSmtpUrl,
  resolveTransportConfig,
  TransportConfigError,
  transports,
} from '../../../src/transports/index.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { verifyDkim } from './dkim-verify.js';
import { findPart, header, parseMime } from './mime.js';

const SECRET = 'transport-test-secret-0123456789';

function mail(to = 'jane@example.com', overrides: Partial<RenderInput> = {}): RenderedEmail {
  return renderEmail({
    scenario: { name: 'welcome', language: 'fr', sender: { name: 'Équipe Acme', email: 'hello@acme.example', replyTo: 'replies@acme.example' } },
    step: { id: 'follow-up', subject: 'ignored', thread: 'hello' },
    templates: { html: '<p>Bonjour {{firstName}}, voici <a href="https://acme.example/guide">le guide</a>.</p>' },
    contact: { id: `id-${to}`, email: to, fields: { firstName: 'Jeanne' } },
    thread: { messageId: '<first-email@mail.acme.example>', subject: 'Bienvenue chez Acme, Jeanne' },
    secret: SECRET,
    messageIdDomain: 'mail.acme.example',
    publicUrl: 'https://go.acme.example',
    ...overrides,
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function sendError(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the send to fail');
}

describe('SMTP transport against a real SMTP server (separate process)', () => {
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink({ failRcpt: { 'bounce@': 550, 'busy@': 451 } });
  });
  afterAll(() => sink.stop());

  it('delivers the message with its headers and both parts intact', async () => {
    const transport = createTransport({ kind: 'smtp', url: sink.url });
    const email = mail();
    const result = await transport.send(email);
    await transport.close();
    expect(result.messageId).toBe(email.messageId);
    expect(result.response).toMatch(/^250 /);

    expect(await sink.received('jane@example.com')).toBe(1);
    const [message] = await sink.messages({ to: 'jane@example.com' });
    // The envelope sender is VERP-tagged with the send's id: a bounce names the send it is about.
    expect(message!.from).toBe(`bounces+${/^<([0-9a-f]{32})@/.exec(email.messageId)![1]}@mail.acme.example`);
    const mime = parseMime(message!.raw!);
    expect(header(mime, 'Message-ID')).toBe(email.messageId);
    expect(header(mime, 'In-Reply-To')).toBe('<first-email@mail.acme.example>');
    expect(header(mime, 'References')).toBe('<first-email@mail.acme.example>');
    expect(header(mime, 'Subject')).toBe('Re: Bienvenue chez Acme, Jeanne');
    expect(header(mime, 'From')).toBe('Équipe Acme <hello@acme.example>');
    expect(header(mime, 'Reply-To')).toBe('replies@acme.example');
    expect(header(mime, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(header(mime, 'List-Unsubscribe')!.replace(/\s+/g, ' ')).toBe(email.headers['List-Unsubscribe']);
    expect(header(mime, 'Content-Type')).toMatch(/^multipart\/alternative/);
    expect(findPart(mime, 'text/plain')!.body.trim()).toBe(email.text.trim());
    expect(findPart(mime, 'text/html')!.body.trim()).toBe(email.html.trim());
  });

  it('reuses pooled connections for many messages', async () => {
    await sink.reset();
    const transport = createTransport({ kind: 'smtp', url: `${sink.url}?maxConnections=3` });
    await Promise.all(Array.from({ length: 30 }, (_, i) => transport.send(mail(`user${i}@example.com`))));
    await transport.close();
    const stats = await sink.stats();
    expect(stats.messages).toBe(30);
    expect(stats.connections).toBeLessThanOrEqual(3);
    expect(await sink.received('user7@example.com')).toBe(1);
  });

  it('a 550 on RCPT TO is a permanent failure and a hard bounce', async () => {
    const transport = createTransport({ kind: 'smtp', url: sink.url });
    const err = await sendError(transport.send(mail('bounce@example.com')));
    await transport.close();
    expect(classifySendError(err)).toBe('permanent');
    expect(describeSendError(err)).toMatchObject({ hardBounce: true, responseCode: 550, command: 'RCPT TO' });
    expect(await sink.received('bounce@example.com')).toBe(0);
  });

  it('a 451 on RCPT TO is temporary, and the retry goes through once the server accepts', async () => {
    const transport = createTransport({ kind: 'smtp', url: sink.url });
    const err = await sendError(transport.send(mail('busy@example.com')));
    expect(classifySendError(err)).toBe('temporary');
    expect(describeSendError(err)).toMatchObject({ hardBounce: false, responseCode: 451 });

    await sink.setRules([{ stage: 'rcpt', match: 'flaky@', code: 451, times: 1 }]);
    const first = await sendError(transport.send(mail('flaky@example.com')));
    expect(classifySendError(first)).toBe('temporary');
    await transport.send(mail('flaky@example.com'));
    await transport.close();
    expect(await sink.received('flaky@example.com')).toBe(1);
    await sink.setRules([{ stage: 'rcpt', match: 'bounce@', code: 550 }, { stage: 'rcpt', match: 'busy@', code: 451 }]);
  });

  it('a refused connection is temporary (single connection and pooled)', async () => {
    const port = await freePort();
    for (const query of ['?pool=false', '']) {
      const transport = createTransport({ kind: 'smtp', url: `smtp://127.0.0.1:${port}${query}` });
      const err = await sendError(transport.send(mail()));
      await transport.close();
      expect(classifySendError(err)).toBe('temporary');
      expect(String((err as Error).message)).toMatch(/ECONNREFUSED/);
    }
  });

  it('a server that never greets times out, temporarily', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    const transport = createTransport({ kind: 'smtp', url: `smtp://127.0.0.1:${port}?greetingTimeout=200` });
    const err = await sendError(transport.send(mail()));
    await transport.close();
    silent.close();
    expect((err as { code?: string }).code).toBe('ETIMEDOUT');
    expect(classifySendError(err)).toBe('temporary');
  });

  it('signs with DKIM when configured', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const dkim = dkimFromEnv({ DKIM_DOMAIN: 'acme.example', DKIM_SELECTOR: 'relance', DKIM_PRIVATE_KEY: pem.replace(/\n/g, '\\n') })!;
    const transport = createTransport({ kind: 'smtp', url: sink.url, dkim });
    await transport.send(mail('signed@example.com'));
    await transport.close();
    const [message] = await sink.messages({ to: 'signed@example.com' });
    const signature = header(parseMime(message!.raw!), 'DKIM-Signature')!;
    expect(signature).toMatch(/d=acme\.example;/);
    expect(signature).toMatch(/s=relance;/);
    // RFC 8058: the one-click headers must be covered by the signature.
    const signed = /\bh=([^;]+)/.exec(signature)![1]!.replace(/\s+/g, '').toLowerCase().split(':');
    expect(signed).toEqual(expect.arrayContaining(['list-unsubscribe', 'list-unsubscribe-post', 'from', 'subject', 'message-id']));
    // The signature holds over the message as received, and breaks when either part changes.
    const raw = message!.raw!.replace(/\r?\n/g, '\r\n');
    expect(verifyDkim(raw, publicKey)).toBeUndefined();
    expect(verifyDkim(raw.replace('Bonjour Jeanne', 'Bonjour Jeannette'), publicKey)).toBe('body hash mismatch');
    expect(verifyDkim(raw.replace(/^Subject: .*$/m, 'Subject: changed'), publicKey)).toBe('signature mismatch');
  });
});

describe('outbox transport', () => {
  it('writes one parsable .eml per message, named after its message id', async () => {
    const dir = join(await tempDir({}), 'outbox');
    const transport = createTransport({ kind: 'outbox', dir });
    const email = mail();
    const result = await transport.send(email);
    await transport.send(email); // a retry rewrites the same file
    await transport.close();
    const files = readdirSync(dir);
    expect(files).toEqual([outboxFileName(email.messageId)]);
    expect(result.response).toContain(files[0]);
    const raw = readFileSync(join(dir, files[0]!), 'utf8');
    expect(raw).toContain('\r\n');
    const mime = parseMime(raw);
    expect(header(mime, 'Message-ID')).toBe(email.messageId);
    expect(header(mime, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(header(mime, 'In-Reply-To')).toBe('<first-email@mail.acme.example>');
    expect(findPart(mime, 'text/plain')!.body).toContain('Bonjour Jeanne, voici le guide (https://acme.example/guide).');
    expect(findPart(mime, 'text/html')!.body).toContain('<p>Bonjour Jeanne, voici <a href="https://go.acme.example/c/');
  });

  it('sanitises file names', () => {
    expect(outboxFileName('<abc123@mail.acme.example>')).toBe('abc123@mail.acme.example.eml');
    expect(outboxFileName('<../../etc/passwd>')).toBe('__.._etc_passwd.eml');
    expect(outboxFileName('<>')).toBe('message.eml');
  });
});

describe('transport configuration', () => {
  it('registers every transport family with the same shape', () => {
    expect(Object.keys(transports).sort()).toEqual(['outbox', 'smtp']);
    for (const plugin of Object.values(transports)) expect(plugin.createTransport).toBeTypeOf('function');
  });

  it('uses SMTP when SMTP_URL is set, the outbox otherwise', () => {
    expect(resolveTransportConfig({ SMTP_URL: 'smtp://u:p@mail.example:587' })).toEqual({ kind: 'smtp', url: 'smtp://u:p@mail.example:587' });
    expect(resolveTransportConfig({})).toEqual({ kind: 'outbox', dir: '.relance/outbox' });
    expect(resolveTransportConfig({ RELANCE_OUTBOX_DIR: '/tmp/out' })).toEqual({ kind: 'outbox', dir: '/tmp/out' });
  });

  it('reads DKIM from the environment, refuses half a configuration', async () => {
    const dir = await tempDir({ 'dkim.pem': '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n' });
    const env = { SMTP_URL: 'smtp://mail.example', DKIM_DOMAIN: 'acme.example', DKIM_SELECTOR: 's1', DKIM_PRIVATE_KEY_FILE: join(dir, 'dkim.pem') };
    expect(resolveTransportConfig(env).dkim).toEqual({ domainName: 'acme.example', keySelector: 's1', privateKey: '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----' });
    expect(() => resolveTransportConfig({ DKIM_DOMAIN: 'acme.example' })).toThrow(/DKIM_SELECTOR, DKIM_PRIVATE_KEY or DKIM_PRIVATE_KEY_FILE/);
    expect(() => dkimFromEnv({ DKIM_DOMAIN: 'a.example', DKIM_SELECTOR: 's', DKIM_PRIVATE_KEY: 'not a key' })).toThrow(TransportConfigError);
  });

  it('parses SMTP URLs into pooled nodemailer options', () => {
    expect(parseSmtpUrl('smtps://user%40acme:p%40ss%3Aword@smtp.acme.example?maxConnections=10&pool=false&tls.rejectUnauthorized=false&__proto__=x&name=relance')).toEqual({
      host: 'smtp.acme.example',
      port: 465,
      secure: true,
      auth: { user: 'user@acme', pass: 'p@ss:word' },
      maxConnections: 10,
      pool: false,
      name: 'relance',
      tls: { rejectUnauthorized: false },
    });
    expect(parseSmtpUrl('smtp://[::1]:2525')).toEqual({ host: '::1', port: 2525, secure: false });
    expect(() => parseSmtpUrl('http://mail.example')).toThrow(TransportConfigError);
    expect(() => parseSmtpUrl('not a url')).toThrow(TransportConfigError);
    expect(redactSmtpUrl('smtp://user:secret@mail.example:587')).toBe('smtp://user:***@mail.example:587');
  });
});
