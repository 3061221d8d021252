import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { signToken } from '../../../src/delivery/tokens.js';
import type { Keys } from '../../../src/state/keys.js';
import { planAndApply, seedContacts } from '../../helpers/reconciler.js';
import { testRedis } from '../../helpers/redis.js';
import { startServe, type ServerProcess } from '../../helpers/serve.js';

const SECRET = 'test-secret-0123456789abcdef'; // what startServe gives RELANCE_SECRET

/** A running scenario with a form, entered by submitting it. */
const SIGNUP = `apiVersion: relance/v1
kind: Scenario
metadata:
  name: signup
spec:
  entry:
    triggers:
      - on: form-submitted
        form: contact-us
  sender:
    email: hello@acme.test
  form:
    id: contact-us
    title: Contact <us>
    fields:
      - { name: email, type: email, required: true }
      - { name: message, type: textarea }
  steps:
    - id: pause
      type: wait
      for: 2 days
    - id: bye
      type: exit
      outcome: end
`;

const servers: ServerProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function setup(): Promise<{ redis: Redis; keys: Keys; url: string }> {
  const { redis, keys } = testRedis();
  const dir = mkdtempSync(join(tmpdir(), 'relance-forms-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'signup.yaml'), SIGNUP);
  await planAndApply(redis, keys, dir);
  expect(await redis.hget(keys.scenario('signup'), 'state')).toBe('running');
  const server = await startServe(keys);
  servers.push(server);
  return { redis, keys, url: `${server.url}/f/signup/contact-us` };
}

const postForm = (url: string, fields: Record<string, string>) => fetch(url, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
const codeOf = async (res: Response): Promise<string> => ((await res.json()) as { error: { code: string } }).error.code;
const postJson = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function logged(redis: Redis, keys: Keys): Promise<Array<Record<string, string>>> {
  const entries = await redis.xrange(keys.events('signup'), '-', '+');
  return entries.map(([, flat]) => Object.fromEntries(flat.flatMap((v, i) => (i % 2 === 0 ? [[v, flat[i + 1]!]] : []))));
}

/** Waits, if need be, until the current minute has 10 s left at least: a window must not turn mid-test. */
async function clearOfMinuteEnd(): Promise<void> {
  while (Date.now() % 60_000 > 50_000) await new Promise((r) => setTimeout(r, 200));
}

describe('POST /f/:scenario/:form', () => {
  it('keeps HTML in a field as text in the event log and escapes it in the page; an unknown address becomes a contact and enters', async () => {
    const { redis, keys, url } = await setup();
    const script = '<script>alert(1)</script>';
    const res = await postForm(url, { email: 'New.Person@Example.org', message: script, interests: 'a' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const page = await res.text();
    expect(page).not.toContain('<script');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('Contact &lt;us&gt;');

    const id = await redis.hget(keys.contactIds(), 'new.person@example.org');
    expect(id).not.toBeNull();
    expect(await redis.sismember(keys.list('form-contact-us'), id!)).toBe(1);
    const [entry, ...rest] = await logged(redis, keys);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ e: 'form-submitted', c: id, o: 'form' });
    expect(JSON.parse(entry!.x!)).toEqual({ email: 'New.Person@Example.org', message: script, interests: 'a' });
    // The form-submitted trigger let the new contact in.
    expect(await redis.hexists(keys.enrollments('signup'), id!)).toBe(1);
  });

  it('answers JSON with JSON, matches a contact by a view token of the scenario, and refuses what is not a form', async () => {
    const { redis, keys, url } = await setup();
    await seedContacts(redis, keys, 'people', [{ email: 'ada@example.org' }]);
    const token = signToken({ scenario: 'signup', contactId: '1', step: 'pause', kind: 'view' }, SECRET);
    const res = await postJson(`${url}?t=${token}`, { message: 'hi', tags: ['x', 'y'], n: 3 });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    const [entry] = await logged(redis, keys);
    expect(entry).toMatchObject({ e: 'form-submitted', c: '1', o: 'form' });
    expect(JSON.parse(entry!.x!)).toEqual({ message: 'hi', tags: 'x, y', n: '3' });

    // Another scenario's token names nobody here; without an email field the post is refused.
    const foreign = signToken({ scenario: 'other', contactId: '1', step: 'pause', kind: 'view' }, SECRET);
    const refused = await postJson(`${url}?t=${foreign}`, { message: 'hi' });
    expect(refused.status).toBe(400);
    expect(await codeOf(refused)).toBe('BAD_REQUEST');
    expect((await postJson(url, { email: 'ada@example.org', nested: { a: 1 } })).status).toBe(400);
    expect((await postJson(url, { email: 'ada@example.org', long: 'x'.repeat(2001) })).status).toBe(400);
    const unknown = await postJson(url.replace('contact-us', 'nope'), { email: 'ada@example.org' });
    expect(unknown.status).toBe(404);
    expect(await codeOf(unknown)).toBe('NOT_FOUND');
    expect((await postJson(url.replace('/signup/', '/missing/'), { email: 'ada@example.org' })).status).toBe(404);
    expect(await logged(redis, keys)).toHaveLength(1);
  });

  it('a filled-in honeypot is answered like a submission and recorded nowhere', async () => {
    const { redis, keys, url } = await setup();
    const res = await postForm(url, { email: 'bot@example.org', message: 'buy now', website: 'http://spam.example' });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('your answers were received');
    const json = await postJson(url, { email: 'bot@example.org', website: 'x' });
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({ ok: true });
    expect(await redis.exists(keys.events('signup'))).toBe(0);
    expect(await redis.hget(keys.contactIds(), 'bot@example.org')).toBeNull();
    expect(await redis.hlen(keys.enrollments('signup'))).toBe(0);
  });

  it('an address past 10 submissions a minute gets 429 with Retry-After', async () => {
    const { redis, keys, url } = await setup();
    await clearOfMinuteEnd();
    for (let i = 0; i < 10; i++) expect((await postJson(url, { email: `p${i}@example.org` })).status).toBe(200);
    const limited = await postJson(url, { email: 'late@example.org' });
    expect(limited.status).toBe(429);
    const wait = Number(limited.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await codeOf(limited)).toBe('RATE_LIMITED');
    expect(await redis.hget(keys.contactIds(), 'late@example.org')).toBeNull();
    expect(await logged(redis, keys)).toHaveLength(10);
  });
});

describe('relance serve: the form page', () => {
  it('shows the scenario\'s form, escaped, with the honeypot, posting back to itself; 404 for an unknown one', async () => {
    const { url } = await setup();
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("form-action 'self'");
    const page = await res.text();
    expect(page).toContain('<title>Contact &lt;us&gt;</title>');
    expect(page).toContain('<form method="post">');
    expect(page).toContain('<input id="email" name="email" type="email" required>');
    expect(page).toContain('<textarea id="message" name="message" rows="4"></textarea>');
    expect(page).toMatch(/class="hp"[^>]*>.*name="website"/);
    expect((await fetch(url.replace('contact-us', 'other'))).status).toBe(404);
  });
});
