import { createHmac, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { importContacts } from '../../../src/contacts/import.js';
import { getContact } from '../../../src/contacts/store.js';
import { sendgrid } from '../../../src/serve/webhooks/sendgrid/index.js';
import type { Verifier } from '../../../src/serve/webhooks/types.js';
import { packEnrollment } from '../../../src/state/enrollment.js';
import type { Keys } from '../../../src/state/keys.js';
import { testRedis } from '../../helpers/redis.js';
import { rawPost } from '../../helpers/http.js';
import { startServe, type ServerProcess } from '../../helpers/serve.js';

const MAILGUN_KEY = 'mailgun-signing-key-0123456789abcdef';
const SCENARIO = 'spring-promo';
const STEP = 'welcome';
const VISIT = 1_741_590_000;

const servers: ServerProcess[] = [];
afterEach(async () => { await Promise.all(servers.splice(0).map((s) => s.stop())); });

/** A SendGrid-like key pair: the public key as the settings page shows it, base64 of the DER SPKI. */
function ecKeys(): { privateKey: KeyObject; publicKey: string } {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKey: pair.privateKey, publicKey: pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64') };
}
const SENDGRID = ecKeys();

async function* csv(text: string): AsyncIterable<string> { yield text; }

const nowS = () => Math.floor(Date.now() / 1000);
const messageId = () => `<${randomBytes(16).toString('hex')}@mail.acme.test>`;

/**
 * Two contacts (Ada, Bob), a send to Ada that relance knows (its Message-ID in the index the send's
 * `begin` writes: `message-ids`, 32 hex digits → `<scenario>|<contact>|<step>|<since>`), Ada
 * enrolled in the scenario (so a person's open sets a flag), and the server.
 */
async function setup(env: Record<string, string> = { RELANCE_MAILGUN_SIGNING_KEY: MAILGUN_KEY, RELANCE_SENDGRID_PUBLIC_KEY: SENDGRID.publicKey }) {
  const { redis, keys } = testRedis();
  await importContacts({ redis, keys, list: 'customers', stream: csv('email,firstName\nada@example.org,Ada\nbob@example.org,Bob\n') });
  const ada = (await getContact(redis, keys, 'ada@example.org'))!.id;
  const adaSend = messageId();
  await redis.hset(keys.messageIds(), adaSend.slice(1, 33), `${SCENARIO}|${ada}|${STEP}|${VISIT}`);
  await redis.hset(keys.ledger(SCENARIO), `${ada}|${STEP}|${VISIT}`, `sent|${adaSend}|${VISIT}`);
  await redis.hset(keys.enrollments(SCENARIO), ada, packEnrollment({ version: 'v1', step: STEP, status: 'running', since: VISIT, due: 0, attempts: 0 }));
  const server = await startServe(keys, env);
  servers.push(server);
  return { redis, keys, url: server.url, ada, adaSend };
}

/** A Mailgun webhook body, signed as Mailgun documents it: hex HMAC-SHA256 of timestamp + token. */
function mailgunBody(eventData: Record<string, unknown>, options: { timestamp?: number; key?: string } = {}): string {
  const timestamp = String(options.timestamp ?? nowS());
  const token = randomBytes(25).toString('hex');
  const signature = createHmac('sha256', options.key ?? MAILGUN_KEY).update(timestamp + token).digest('hex');
  return JSON.stringify({ signature: { timestamp, token, signature }, 'event-data': { id: randomBytes(8).toString('hex'), timestamp: nowS() + 0.25, ...eventData } });
}

const postMailgun = (url: string, body: string) => fetch(`${url}/webhooks/mailgun`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

/** SendGrid's headers: base64 DER ECDSA (P-256, SHA-256) of timestamp + raw body. */
function sendgridHeaders(body: string, options: { timestamp?: number; privateKey?: KeyObject } = {}): Record<string, string> {
  const timestamp = String(options.timestamp ?? nowS());
  const signature = sign('sha256', Buffer.from(timestamp + body), { key: options.privateKey ?? SENDGRID.privateKey, dsaEncoding: 'der' }).toString('base64');
  return { 'content-type': 'application/json', 'x-twilio-email-event-webhook-signature': signature, 'x-twilio-email-event-webhook-timestamp': timestamp };
}

const postSendgrid = (url: string, body: string, headers = sendgridHeaders(body)) => fetch(`${url}/webhooks/sendgrid`, { method: 'POST', headers, body });

type Entry = Record<string, string>;
const entries = (flat: Array<[string, string[]]>): Entry[] => flat.map(([, f]) => Object.fromEntries(f.flatMap((v, i) => (i % 2 === 0 ? [[v, f[i + 1]!]] : []))));
const scenarioLog = async (redis: Redis, keys: Keys) => entries(await redis.xrange(keys.events(SCENARIO), '-', '+'));
const globalLog = async (redis: Redis, keys: Keys) => entries(await redis.xrange(keys.globalEvents(), '-', '+'));
const detail = (e: Entry | undefined): Record<string, string> => JSON.parse(e?.x ?? '{}') as Record<string, string>;
const codeOf = async (res: Response): Promise<string> => ((await res.json()) as { error: { code: string } }).error.code;

describe('relance serve: POST /webhooks/mailgun', () => {
  it('records a delivery and a permanent failure on the send they are about; the failure suppresses the address', async () => {
    const { redis, keys, url, ada, adaSend } = await setup();
    const message = { headers: { 'message-id': adaSend.slice(1, -1) } }; // Mailgun gives it without brackets

    let res = await postMailgun(url, mailgunBody({ event: 'delivered', recipient: 'Ada@Example.org', message }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 1, recorded: 1, ignored: 0 });

    res = await postMailgun(url, mailgunBody({
      event: 'failed', severity: 'permanent', reason: 'bounce', recipient: 'ada@example.org', message,
      'delivery-status': { code: 550, description: '5.1.1 The email account that you tried to reach does not exist' },
    }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 1, recorded: 1, ignored: 0 });

    expect(await redis.hexists(keys.suppressed(), 'ada@example.org')).toBe(1);
    const log = await scenarioLog(redis, keys);
    expect(log.map((e) => e.e)).toEqual(['delivered', 'bounced']);
    for (const e of log) expect(e).toMatchObject({ c: ada, o: 'webhook', s: STEP, i: String(VISIT) });
    expect(detail(log[1])).toMatchObject({ provider: 'mailgun', event: 'failed', severity: 'permanent', reason: 'bounce', code: '550' });
    expect(await globalLog(redis, keys)).toEqual([]);
  });

  it('a temporary failure is a soft bounce (no suppression); Apple’s proxy open is a bot’s, a person’s open is engagement', async () => {
    const { redis, keys, url, adaSend } = await setup();
    const message = { headers: { 'message-id': adaSend.slice(1, -1) } };
    const post = async (data: Record<string, unknown>) => {
      const res = await postMailgun(url, mailgunBody({ recipient: 'ada@example.org', message, ...data }));
      expect(res.status).toBe(200);
      return res.json();
    };
    expect(await post({ event: 'failed', severity: 'temporary', reason: 'generic', 'delivery-status': { code: 421 } })).toEqual({ received: 1, recorded: 1, ignored: 0 });
    await post({ event: 'opened', ip: '17.58.1.1', 'client-info': { 'client-name': 'unknown', 'user-agent': 'Mozilla/5.0', bot: 'apple' } });
    await post({ event: 'opened', ip: '203.0.113.9', 'client-info': { 'client-name': 'Thunderbird', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Thunderbird/128.3.1', bot: '' } });
    expect(await post({ event: 'accepted' })).toEqual({ received: 1, recorded: 0, ignored: 1 });

    expect(await redis.hexists(keys.suppressed(), 'ada@example.org')).toBe(0);
    const [soft, machine, person, ...rest] = await scenarioLog(redis, keys);
    expect(rest).toEqual([]);
    expect(soft).toMatchObject({ e: 'soft-bounced', o: 'webhook' });
    expect(machine).toMatchObject({ e: 'opened', b: '1' });
    expect(machine).not.toHaveProperty('n');
    expect(detail(machine)).toMatchObject({ provider: 'mailgun', r: 'apple-privacy-proxy' });
    expect(person).toMatchObject({ e: 'opened', n: '1' });
    expect(person).not.toHaveProperty('b');
  });

  it('an event about no known send goes to the global log; an unknown address is ignored, not an error', async () => {
    const { redis, keys, url } = await setup();
    let res = await postMailgun(url, mailgunBody({ event: 'complained', recipient: 'bob@example.org', message: { headers: { 'message-id': 'other@elsewhere.test' } } }));
    expect(await res.json()).toEqual({ received: 1, recorded: 1, ignored: 0 });
    res = await postMailgun(url, mailgunBody({ event: 'unsubscribed', recipient: 'nobody@example.org' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 1, recorded: 0, ignored: 1 });
    expect((await globalLog(redis, keys)).map((e) => e.e)).toEqual(['complained']);
    expect(JSON.parse((await redis.hget(keys.suppressed(), 'bob@example.org'))!)).toMatchObject({ reason: 'complaint' });
    expect(await redis.hexists(keys.suppressed(), 'nobody@example.org')).toBe(0);
  });

  it('refuses a bad signature, a stale timestamp, a replay and a body that is not JSON', async () => {
    const { redis, keys, url } = await setup();
    const event = { event: 'unsubscribed', recipient: 'bob@example.org' };

    let res = await postMailgun(url, mailgunBody(event, { key: 'another-key' }));
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe('BAD_SIGNATURE');
    // A signature of the wrong shape is refused before any HMAC.
    const tampered = JSON.parse(mailgunBody(event)) as { signature: { signature: string } };
    tampered.signature.signature = 'zz';
    res = await postMailgun(url, JSON.stringify(tampered));
    expect([res.status, await codeOf(res)]).toEqual([401, 'BAD_SIGNATURE']);

    res = await postMailgun(url, mailgunBody(event, { timestamp: nowS() - 360 }));
    expect([res.status, await codeOf(res)]).toEqual([401, 'STALE']);

    const once = mailgunBody(event);
    expect((await postMailgun(url, once)).status).toBe(200);
    res = await postMailgun(url, once);
    expect([res.status, await codeOf(res)]).toEqual([401, 'REPLAYED']);
    const shouted = JSON.parse(once) as { signature: { signature: string } };
    shouted.signature.signature = shouted.signature.signature.toUpperCase();
    res = await postMailgun(url, JSON.stringify(shouted));
    expect([res.status, await codeOf(res)]).toEqual([401, 'REPLAYED']);

    // A subaccount's event: its own key's signature, and the primary account's (ours) as parent-signature.
    const sub = JSON.parse(mailgunBody({ event: 'delivered', recipient: 'bob@example.org' }, { key: 'subaccount-key' })) as { signature: Record<string, string> };
    sub.signature['parent-signature'] = createHmac('sha256', MAILGUN_KEY).update(sub.signature.timestamp! + sub.signature.token!).digest('hex');
    res = await postMailgun(url, JSON.stringify(sub));
    expect(await res.json()).toEqual({ received: 1, recorded: 1, ignored: 0 });

    res = await postMailgun(url, '{"signature": ');
    expect([res.status, await codeOf(res)]).toEqual([400, 'BAD_REQUEST']);
    res = await postMailgun(url, JSON.stringify({ 'event-data': { event: 'delivered' } }));
    expect([res.status, await codeOf(res)]).toEqual([401, 'BAD_SIGNATURE']);

    expect((await globalLog(redis, keys)).map((e) => e.e)).toEqual(['unsubscribed', 'delivered']);
  });
});

describe('relance serve: POST /webhooks/sendgrid', () => {
  it('records a batch: a machine open (a bot’s), a click, a bounce on its send, a spam report; skips the rest', async () => {
    const { redis, keys, url, ada, adaSend } = await setup();
    const t = nowS() - 60;
    const batch = [
      { email: 'ada@example.org', timestamp: t - 30, event: 'processed', 'smtp-id': adaSend, sg_event_id: 'p1' },
      { email: 'ada@example.org', timestamp: t, event: 'bounce', type: 'bounce', 'smtp-id': adaSend, bounce_classification: 'Invalid Address', status: '5.1.1', reason: '550 5.1.1 no such user', sg_event_id: 'b1' },
      // Engagement events carry no smtp-id: the contact's global log.
      { email: 'bob@example.org', timestamp: t, event: 'open', sg_machine_open: true, useragent: 'Mozilla/5.0', ip: '17.58.1.1', sg_event_id: 'o1' },
      { email: 'bob@example.org', timestamp: t + 20, event: 'click', url: 'https://acme.test/offer', useragent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15', ip: '203.0.113.9', sg_event_id: 'c1' },
      { email: 'bob@example.org', timestamp: t + 30, event: 'spamreport', sg_event_id: 's1' },
      { email: 'nobody@example.org', timestamp: t, event: 'delivered', sg_event_id: 'd1' },
      'not an event',
    ];
    const body = JSON.stringify(batch);
    const res = await postSendgrid(url, body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 7, recorded: 4, ignored: 3 });

    const [bounce, ...others] = await scenarioLog(redis, keys);
    expect(others).toEqual([]);
    expect(bounce).toMatchObject({ e: 'bounced', c: ada, o: 'webhook', s: STEP, i: String(VISIT), t: String(t) });
    expect(detail(bounce)).toMatchObject({ provider: 'sendgrid', event: 'bounce', classification: 'Invalid Address', id: 'b1' });

    const [open, click, spam, ...more] = await globalLog(redis, keys);
    expect(more).toEqual([]);
    expect(open).toMatchObject({ e: 'opened', o: 'webhook', b: '1' });
    expect(detail(open)).toMatchObject({ provider: 'sendgrid', r: 'apple-privacy-proxy' });
    expect(click).toMatchObject({ e: 'clicked', o: 'webhook' });
    expect(click).not.toHaveProperty('b');
    expect(spam).toMatchObject({ e: 'complained', o: 'webhook' });

    expect(await redis.hexists(keys.suppressed(), 'ada@example.org')).toBe(1);
    expect(JSON.parse((await redis.hget(keys.suppressed(), 'bob@example.org'))!)).toMatchObject({ reason: 'complaint' });
  });

  it('maps blocked, deferred and drops: blocked and deferred are soft, a drop for a suppression list is what put the address there', async () => {
    const { redis, keys, url, adaSend } = await setup();
    const t = nowS();
    const batch = [
      { email: 'ada@example.org', timestamp: t, event: 'bounce', type: 'blocked', 'smtp-id': adaSend, reason: '554 blocked' },
      { email: 'ada@example.org', timestamp: t, event: 'deferred', 'smtp-id': adaSend, response: '421 try later', attempt: '2' },
      { email: 'ada@example.org', timestamp: t, event: 'dropped', 'smtp-id': adaSend, reason: 'Spam Content (if spam checker app enabled)' },
      { email: 'bob@example.org', timestamp: t, event: 'dropped', 'smtp-id': messageId(), reason: 'Unsubscribed Address' },
      { email: 'bob@example.org', timestamp: t, event: 'group_unsubscribe', asm_group_id: 42 },
    ];
    const body = JSON.stringify(batch);
    expect(await (await postSendgrid(url, body)).json()).toEqual({ received: 5, recorded: 5, ignored: 0 });
    expect((await scenarioLog(redis, keys)).map((e) => e.e)).toEqual(['soft-bounced', 'soft-bounced', 'unmatched']);
    expect((await globalLog(redis, keys)).map((e) => e.e)).toEqual(['unsubscribed', 'unsubscribed']);
    expect(await redis.hexists(keys.suppressed(), 'ada@example.org')).toBe(0);
    expect(JSON.parse((await redis.hget(keys.suppressed(), 'bob@example.org'))!)).toMatchObject({ reason: 'unsubscribed' });
  });

  it('refuses a bad signature, a stale timestamp, a replay; a signed body that is not JSON is 400', async () => {
    const { redis, keys, url } = await setup();
    const body = JSON.stringify([{ email: 'bob@example.org', timestamp: nowS(), event: 'unsubscribe' }]);

    let res = await postSendgrid(url, body, sendgridHeaders(body, { privateKey: ecKeys().privateKey }));
    expect([res.status, await codeOf(res)]).toEqual([401, 'BAD_SIGNATURE']);
    res = await postSendgrid(url, body.replace('unsubscribe', 'spamreport'), sendgridHeaders(body));
    expect([res.status, await codeOf(res)]).toEqual([401, 'BAD_SIGNATURE']);
    res = await postSendgrid(url, body, { 'content-type': 'application/json' });
    expect([res.status, await codeOf(res)]).toEqual([401, 'BAD_SIGNATURE']);
    res = await postSendgrid(url, body, { ...sendgridHeaders(body), 'x-twilio-email-event-webhook-signature': Buffer.from('not a DER signature at all').toString('base64') });
    expect([res.status, await codeOf(res)]).toEqual([401, 'BAD_SIGNATURE']);

    res = await postSendgrid(url, body, sendgridHeaders(body, { timestamp: nowS() - 360 }));
    expect([res.status, await codeOf(res)]).toEqual([401, 'STALE']);

    const headers = sendgridHeaders(body);
    expect((await postSendgrid(url, body, headers)).status).toBe(200);
    res = await postSendgrid(url, body, headers);
    expect([res.status, await codeOf(res)]).toEqual([401, 'REPLAYED']);

    res = await postSendgrid(url, '[{"event": "open", ');
    expect([res.status, await codeOf(res)]).toEqual([400, 'BAD_REQUEST']);
    res = await postSendgrid(url, '{"event": "open"}');
    expect([res.status, await codeOf(res)]).toEqual([400, 'BAD_REQUEST']);

    expect((await globalLog(redis, keys)).map((e) => e.e)).toEqual(['unsubscribed']);
  });

  it('checks SendGrid’s own published test vector', () => {
    // From @sendgrid/eventwebhook's tests: the key as SendGrid's settings page shows it.
    const key = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEEDr2LjtURuePQzplybdC+u4CwrqDqBaWjcMMsTbhdbcwHBcepxo7yAQGhHPTnlvFYPAZFceEu/1FwCM/QmGUhA==';
    const verify = sendgrid.verifier(key) as Verifier;
    const headers = { 'x-twilio-email-event-webhook-signature': 'MEUCIQCtIHJeH93Y+qpYeWrySphQgpNGNr/U+UyUlBkU6n7RAwIgJTz2C+8a8xonZGi6BpSzoQsbVRamr2nlxFDWYNH2j/0=', 'x-twilio-email-event-webhook-timestamp': '1588788367' };
    const raw = Buffer.from(JSON.stringify({ category: 'example_payload', event: 'test_event', message_id: 'message_id' }));
    expect(verify({ headers, raw, now: new Date(1588788367_000) })).toMatchObject({ ok: true });
    expect(verify({ headers, raw: Buffer.concat([raw, Buffer.from(' ')]), now: new Date(1588788367_000) })).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    // PEM works too; anything else is no key.
    const pem = `-----BEGIN PUBLIC KEY-----\n${key}\n-----END PUBLIC KEY-----\n`;
    expect(typeof sendgrid.verifier(pem)).toBe('function');
    expect(typeof sendgrid.verifier('bm90IGEga2V5')).toBe('string');
  });
});

describe('relance serve: /webhooks, hostile and misconfigured', () => {
  it('an unknown provider is 404; a provider without its key is 404 PROVIDER_NOT_CONFIGURED', async () => {
    const { url } = await setup({ RELANCE_MAILGUN_SIGNING_KEY: MAILGUN_KEY, RELANCE_SENDGRID_PUBLIC_KEY: 'bm90IGEga2V5' });
    for (const name of ['postmark', '__proto__', 'constructor', 'hasOwnProperty', 'MAILGUN']) {
      const res = await fetch(`${url}/webhooks/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[]' });
      expect(res.status).toBe(404);
      expect(await codeOf(res)).toBe('NOT_FOUND');
    }
    // A malformed key is no key (logged at startup).
    const res = await postSendgrid(url, '[]');
    expect([res.status, await codeOf(res)]).toEqual([404, 'PROVIDER_NOT_CONFIGURED']);

    const closed = await startServe((await setupKeys()), {});
    servers.push(closed);
    for (const name of ['mailgun', 'sendgrid']) {
      const r = await fetch(`${closed.url}/webhooks/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(r.status).toBe(404);
      const { error } = (await r.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('PROVIDER_NOT_CONFIGURED');
      expect(error.message).toContain(name === 'mailgun' ? 'RELANCE_MAILGUN_SIGNING_KEY' : 'RELANCE_SENDGRID_PUBLIC_KEY');
    }
  });

  it('a 2 MB body is refused with a 4xx, announced or streamed; so is junk of any content type', async () => {
    const { url } = await setup();
    const junk = randomBytes(2 * 1024 * 1024);
    for (const name of ['mailgun', 'sendgrid']) {
      const big = await rawPost(`${url}/webhooks/${name}`, junk, { 'content-type': 'application/json', 'content-length': String(junk.length) });
      expect(big.status).toBe(413);
      expect(JSON.parse(big.body)).toHaveProperty('error.code');
      // No Content-Length: the server counts as it reads.
      const streamed = await rawPost(`${url}/webhooks/${name}`, junk, { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' });
      expect(streamed.status).toBe(413);
      for (const [body, type] of [[junk.subarray(0, 4096), 'text/plain'], [Buffer.alloc(0), undefined], [Buffer.from('\u0000\u00ff{]'), 'application/json']] as const) {
        const res = await fetch(`${url}/webhooks/${name}`, { method: 'POST', headers: type ? { 'content-type': type } : {}, body });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(await res.json()).toHaveProperty('error.code');
      }
    }
  });
});

/** A key prefix of its own for a second server. */
async function setupKeys(): Promise<Keys> {
  return testRedis().keys;
}
