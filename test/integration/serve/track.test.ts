import { afterEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { importContacts } from '../../../src/contacts/import.js';
import { getContact } from '../../../src/contacts/store.js';
import { signToken, type TokenPayload } from '../../../src/delivery/tokens.js';
import { admit } from '../../../src/enroll/admit.js';
import type { Keys } from '../../../src/state/keys.js';
import { testRedis } from '../../helpers/redis.js';
import { startServe, type ServerProcess } from '../../helpers/serve.js';

const SECRET = 'test-secret-0123456789abcdef';
const SCENARIO = 'spring-promo';
const STEP = 'welcome';
const VISIT = 1_741_590_000;
const LINK = 'Zk3q9xYb2LmN0pQr';
const DESTINATION = 'https://shop.example.com/spring?utm_source=relance';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

const servers: ServerProcess[] = [];
afterEach(async () => { await Promise.all(servers.splice(0).map((s) => s.stop())); });

/** A contact enrolled in the scenario (flags are only set for enrolled contacts), a stored link, a sent ledger entry. */
async function setup(redis: Redis, keys: Keys, sentSecondsAgo = 3600): Promise<{ id: string; server: ServerProcess }> {
  await importContacts({ redis, keys, list: 'customers', stream: csv('email,firstName,language\nana.silva@example.com,Ana,pt\n') });
  const id = (await getContact(redis, keys, 'ana.silva@example.com'))!.id;
  await admit(redis, keys, { scenario: SCENARIO, version: 'abcdef123456', entry: STEP, now: VISIT, due: VISIT + 86_400 * 365, cap: 0, ids: [id] });
  // What the worker writes before and after the send.
  await redis.hset(keys.links(SCENARIO), LINK, DESTINATION);
  const server = await startServe(keys);
  servers.push(server);
  // Written once the server is up (it may take seconds to start on a loaded machine), so that
  // "sent 2 s ago" is still true when the test's first request arrives.
  await redis.hset(keys.ledger(SCENARIO), `${id}|${STEP}|${VISIT}`, `sent|<x1@acme.test>|${Math.floor(Date.now() / 1000) - sentSecondsAgo}`);
  return { id, server };
}

async function* csv(text: string): AsyncIterable<string> { yield text; }

const token = (id: string, kind: TokenPayload['kind'], more: Partial<TokenPayload> = {}) => signToken({ scenario: SCENARIO, contactId: id, step: STEP, kind, visit: VISIT, ...more }, SECRET);

async function events(redis: Redis, keys: Keys): Promise<Array<Record<string, string>>> {
  const entries = await redis.xrange(keys.events(SCENARIO), '-', '+');
  return entries.map(([, fields]) => Object.fromEntries(fields.flatMap((_, i) => (i % 2 === 0 ? [[fields[i]!, fields[i + 1]!]] : []))));
}

/** Polls until `read` gives something `done` accepts (events are recorded behind the answer). */
async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('relance serve: opens', () => {
  it('answers the pixel and logs the open', async () => {
    const { redis, keys } = testRedis();
    const { id, server } = await setup(redis, keys);
    const res = await fetch(`${server.url}/o/${token(id, 'open')}.gif`, { headers: { 'user-agent': CHROME } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/gif');
    expect(res.headers.get('cache-control')).toContain('no-store');
    expect((await res.arrayBuffer()).byteLength).toBe(43);
    const [entry] = await until(() => events(redis, keys), (e) => e.length === 1, 'the open');
    expect(entry).toMatchObject({ e: 'opened', c: id, o: 'pixel', s: STEP, i: String(VISIT), n: '1' });
    expect(entry!.b).toBeUndefined();
    expect(JSON.parse((await redis.hget(keys.engagement(SCENARIO), id))!)).toEqual({ s: { [STEP]: 'o' } });
    // Counted in the server's metrics too, once the batch's recording has returned (a moment
    // after its log entry is written).
    const counted = /^relance_http_events_total\{type="opened",bot="false"\} 1$/m;
    await until(async () => (await fetch(`${server.url}/metrics`)).text(), (text) => counted.test(text), 'the open counted in /metrics');
  });

  it('answers the pixel for a bad token too, and writes nothing', async () => {
    const { redis, keys } = testRedis();
    const { id, server } = await setup(redis, keys);
    for (const bad of ['garbage', `${token(id, 'open').slice(0, -2)}`, token(id, 'click', { link: LINK }), 'x'.repeat(5000)]) {
      const res = await fetch(`${server.url}/o/${bad}.gif`);
      expect(res.status, bad).toBe(200);
      expect((await res.arrayBuffer()).byteLength).toBe(43);
    }
    // A valid open after them: once it is logged, the bad ones would have been too.
    await fetch(`${server.url}/o/${token(id, 'open')}.gif`, { headers: { 'user-agent': 'Mozilla/5.0' } });
    const logged = await until(() => events(redis, keys), (e) => e.length > 0, 'the open');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ e: 'opened', b: '1' }); // Apple Mail Privacy Protection
  });
});

describe('relance serve: clicks', () => {
  it('redirects to the stored URL only, whatever the query says, and logs the click', async () => {
    const { redis, keys } = testRedis();
    const { id, server } = await setup(redis, keys);
    const res = await fetch(`${server.url}/c/${token(id, 'click', { link: LINK })}?u=https://evil.example/&url=https://evil.example/`, { redirect: 'manual', headers: { 'user-agent': CHROME } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(DESTINATION);
    const [entry] = await until(() => events(redis, keys), (e) => e.length === 1, 'the click');
    expect(entry).toMatchObject({ e: 'clicked', c: id, o: 'link', s: STEP, n: '1' });
    expect(JSON.parse(entry!.x!)).toEqual({ l: LINK });
    expect(JSON.parse((await redis.hget(keys.engagement(SCENARIO), id))!)).toEqual({ s: { [STEP]: 'c' } });
  });

  it('follows the links as emails carry them, /c/TOKEN/LINK: the link id only among the stored ones', async () => {
    const { redis, keys } = testRedis();
    const { id, server } = await setup(redis, keys);
    const send = token(id, 'click');
    const res = await fetch(`${server.url}/c/${send}/${LINK}?u=https://evil.example/`, { redirect: 'manual', headers: { 'user-agent': CHROME } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(DESTINATION);
    for (const path of [`${send}/unknownLink00000`, `${send}/${LINK}/more`, `${send}/..%2F..`, `${token(id, 'click', { link: 'another' })}/${LINK}`]) {
      const bad = await fetch(`${server.url}/c/${path}`, { redirect: 'manual', headers: { 'user-agent': CHROME } });
      expect(bad.status, path).toBe(404);
      expect(bad.headers.get('location')).toBeNull();
    }
    const [entry] = await until(() => events(redis, keys), (e) => e.length === 1, 'the click');
    expect(entry).toMatchObject({ e: 'clicked', c: id, o: 'link', s: STEP, n: '1' });
  });

  it('refuses forged, tampered and truncated tokens with a 4xx and writes nothing', async () => {
    const { redis, keys } = testRedis();
    const { id, server } = await setup(redis, keys);
    const good = token(id, 'click', { link: LINK });
    const [body, sig] = good.split('.') as [string, string];
    const tampered = `${Buffer.from(Buffer.from(body, 'base64url').toString().replace(STEP, 'other')).toString('base64url')}.${sig}`;
    const forged = signToken({ scenario: SCENARIO, contactId: id, step: STEP, kind: 'click', link: LINK }, 'another-secret-0123456789abcdef');
    // BullMQ's keys are left out: the server opens its queue at start, in the background.
    const ours = async () => (await redis.keys(keys.all())).filter((k) => !k.includes(':bull:')).sort();
    const before = await ours();
    for (const bad of [forged, tampered, good.slice(0, -3), body, token(id, 'open'), 'x'.repeat(3000)]) {
      const res = await fetch(`${server.url}/c/${bad}?u=https://evil.example/`, { redirect: 'manual', headers: { 'user-agent': CHROME } });
      expect(res.status, bad).toBeGreaterThanOrEqual(400);
      expect(res.status, bad).toBeLessThan(500);
      expect(res.headers.get('location')).toBeNull();
      expect(res.headers.get('content-type')).toContain('application/json');
    }
    expect(await ours()).toEqual(before);
    expect(await redis.exists(keys.events(SCENARIO))).toBe(0);
  });

  it('answers 404 for a link id the send never stored, or a stored URL that is not http(s)', async () => {
    const { redis, keys } = testRedis();
    const { id, server } = await setup(redis, keys);
    await redis.hset(keys.links(SCENARIO), 'js', 'javascript:alert(1)');
    for (const link of ['unknownLink00000', 'js']) {
      const res = await fetch(`${server.url}/c/${token(id, 'click', { link })}`, { redirect: 'manual', headers: { 'user-agent': CHROME } });
      expect(res.status).toBe(404);
      expect(res.headers.get('location')).toBeNull();
    }
  });

  it('logs a scanner click, a HEAD and a click 2 s after delivery as bots, with no engagement', async () => {
    const { redis, keys } = testRedis();
    const { id, server } = await setup(redis, keys, 2);
    const url = `${server.url}/c/${token(id, 'click', { link: LINK })}`;
    const fast = await fetch(url, { redirect: 'manual', headers: { 'user-agent': CHROME } });
    expect(fast.status).toBe(302);
    const scanner = await fetch(url, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 (compatible; Barracuda Sentinel (EE))' } });
    expect(scanner.status).toBe(302);
    expect(scanner.headers.get('location')).toBe(DESTINATION);
    const head = await fetch(url, { method: 'HEAD', redirect: 'manual', headers: { 'user-agent': CHROME } });
    expect(head.status).toBe(302);
    const logged = await until(() => events(redis, keys), (e) => e.length === 3, 'three clicks');
    expect(logged.map((e) => [e.e, e.b, JSON.parse(e.x!).r]).sort()).toEqual([['clicked', '1', 'barracuda'], ['clicked', '1', 'head-request'], ['clicked', '1', 'too-fast']]);
    expect(await redis.hget(keys.engagement(SCENARIO), id)).toBeNull();
  });

  it('logs the honeypot link as a bot and redirects nowhere', async () => {
    const { redis, keys } = testRedis();
    const { id, server } = await setup(redis, keys);
    const res = await fetch(`${server.url}/c/${token(id, 'click', { link: 'hp' })}`, { redirect: 'manual', headers: { 'user-agent': CHROME } });
    expect(res.status).toBe(204);
    expect(res.headers.get('location')).toBeNull();
    const [entry] = await until(() => events(redis, keys), (e) => e.length === 1, 'the honeypot click');
    expect(entry).toMatchObject({ e: 'clicked', b: '1' });
    expect(JSON.parse(entry!.x!)).toEqual({ l: 'hp', r: 'honeypot' });
    expect(await redis.hget(keys.engagement(SCENARIO), id)).toBeNull();
  });
});
