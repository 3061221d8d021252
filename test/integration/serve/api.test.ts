import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { openTasks, taskId } from '../../../src/enroll/tasks.js';
import type { Keys } from '../../../src/state/keys.js';
import { planAndApply, seedContacts } from '../../helpers/reconciler.js';
import { testRedis } from '../../helpers/redis.js';
import { startServe, type ServerProcess } from '../../helpers/serve.js';

const TOKEN = 'api-token-0123456789';
const WEBHOOK_SECRET = 'webhook-secret-0123456789';
const ENV = { RELANCE_API_TOKENS: `other-token, ${TOKEN}`, RELANCE_WEBHOOK_SECRET: WEBHOOK_SECRET };

/** A running scenario entered by the API (default limit: 30 entries a minute), whose first step is a task. */
const CALLS = `apiVersion: relance/v1
kind: Scenario
metadata:
  name: calls
spec:
  entry:
    triggers:
      - on: api
  sender:
    email: hello@acme.test
  steps:
    - { id: call, type: task, title: Call them }
    - { id: bye, type: exit, outcome: end }
`;

const servers: ServerProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function setup(env: Record<string, string> = ENV): Promise<{ redis: Redis; keys: Keys; url: string }> {
  const { redis, keys } = testRedis();
  const dir = mkdtempSync(join(tmpdir(), 'relance-api-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'calls.yaml'), CALLS);
  await planAndApply(redis, keys, dir);
  expect(await redis.hget(keys.scenario('calls'), 'state')).toBe('running');
  const server = await startServe(keys, env);
  servers.push(server);
  return { redis, keys, url: server.url };
}

/** `token` null: no Authorization header at all. */
const call = (url: string, path: string, body: unknown, token: string | null = TOKEN) =>
  fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) }, body: JSON.stringify(body) });
const codeOf = async (res: Response): Promise<string> => ((await res.json()) as { error: { code: string } }).error.code;

/** Waits, if need be, until the current minute has 10 s left at least: a window must not turn mid-test. */
async function clearOfMinuteEnd(): Promise<void> {
  while (Date.now() % 60_000 > 50_000) await new Promise((r) => setTimeout(r, 200));
}

function signed(body: string, timestamp = String(Math.floor(Date.now() / 1000)), secret = WEBHOOK_SECRET): Record<string, string> {
  const sig = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return { 'content-type': 'application/json', 'x-relance-timestamp': timestamp, 'x-relance-signature': `sha256=${sig}` };
}

async function eventLog(redis: Redis, keys: Keys): Promise<Array<Record<string, string>>> {
  const entries = [...(await redis.xrange(keys.events('calls'), '-', '+')), ...(await redis.xrange(keys.globalEvents(), '-', '+'))];
  return entries.map(([, flat]) => Object.fromEntries(flat.flatMap((v, i) => (i % 2 === 0 ? [[v, flat[i + 1]!]] : []))));
}

describe('/api/v1', () => {
  it('refuses a request without a bearer token, with a wrong one, and every request when no token is configured', async () => {
    const { redis, keys, url } = await setup();
    await seedContacts(redis, keys, 'people', [{ email: 'ada@example.org' }]);
    const path = '/api/v1/contacts/ada@example.org/events';
    for (const token of [null, 'wrong', `${TOKEN}x`, '']) {
      const res = await call(url, path, { type: 'converted', scenario: 'calls' }, token);
      expect(res.status).toBe(401);
      expect(await codeOf(res)).toBe('UNAUTHORIZED');
    }
    expect(await eventLog(redis, keys)).toEqual([]);
    const ok = await call(url, path, { type: 'converted', scenario: 'calls', data: { amount: 120, plan: '<b>pro</b>' } });
    expect(ok.status).toBe(200);
    const [entry] = await eventLog(redis, keys);
    expect(entry).toMatchObject({ e: 'converted', c: '1', o: 'api' });
    expect(JSON.parse(entry!.x!)).toEqual({ amount: '120', plan: '<b>pro</b>' });
    expect((await call(url, '/api/v1/contacts/nobody@example.org/events', { type: 'converted' })).status).toBe(404);
    expect((await call(url, path, { type: 'converted', scenario: 'nope' })).status).toBe(404);
    expect((await call(url, path, { type: 'no-such-type' })).status).toBe(400);

    const closed = await startServe(keys, { RELANCE_API_TOKENS: '' });
    servers.push(closed);
    const res = await call(closed.url, path, { type: 'converted' }, TOKEN);
    expect(res.status).toBe(401);
    expect(await codeOf(res)).toBe('UNAUTHORIZED');
  });

  it('the api trigger lets in 30 contacts a minute across two server processes, then answers 429 with Retry-After', async () => {
    const { redis, keys, url } = await setup();
    const second = await startServe(keys, ENV);
    servers.push(second);
    const people = Array.from({ length: 31 }, (_, i) => ({ email: `p${i}@example.org` }));
    await seedContacts(redis, keys, 'people', people);
    await clearOfMinuteEnd();
    const answers = await Promise.all(people.map((p, i) => call(i % 2 === 0 ? url : second.url, `/api/v1/contacts/${p.email}/events`, { type: 'api' })));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(30).fill(200), 429]);
    const limited = answers.find((r) => r.status === 429)!;
    const wait = Number(limited.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await codeOf(limited)).toBe('RATE_LIMITED');
    expect(await redis.hlen(keys.enrollments('calls'))).toBe(30);
    const entered = await Promise.all(answers.filter((r) => r.status === 200).map((r) => r.json() as Promise<{ enrolled: string[] }>));
    expect(entered.every((e) => e.enrolled.length === 1 && e.enrolled[0] === 'calls')).toBe(true);
  });

  it('a task marked done twice: the second call is told it is not open; an unknown task is 404', async () => {
    const { redis, keys, url } = await setup();
    await seedContacts(redis, keys, 'people', [{ email: 'ada@example.org' }]);
    expect((await call(url, '/api/v1/contacts/ada@example.org/events', { type: 'api' })).status).toBe(200);
    const id = taskId('calls', '1', 'call');
    await openTasks(redis, keys, [{ id, scenario: 'calls', contactId: '1', email: 'ada@example.org', step: 'call', title: 'Call them', createdAt: new Date().toISOString() }]);
    const path = `/api/v1/tasks/${encodeURIComponent(id)}/done`;
    expect((await call(url, path, {}, null)).status).toBe(401);
    expect((await call(url, path, {}, 'other-token-nope')).status).toBe(401);
    expect(await redis.hexists(keys.tasks(), id)).toBe(1);
    const first = await call(url, path, {});
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ ok: true, task: { id, scenario: 'calls', step: 'call' } });
    expect(await redis.hexists(keys.tasks(), id)).toBe(0);
    // Logged once, as the API's.
    const done = (await redis.xrange(keys.events('calls'), '-', '+')).filter(([, f]) => f[1] === 'task-done');
    expect(done.map(([, f]) => f)).toEqual([expect.arrayContaining(['c', '1', 'o', 'api', 's', 'call'])]);
    const again = await call(url, path, {});
    expect(again.status).toBe(409);
    expect(await codeOf(again)).toBe('TASK_NOT_OPEN');
    const unknown = await call(url, `/api/v1/tasks/${encodeURIComponent('calls:99:nope')}/done`, {});
    expect(unknown.status).toBe(404);
    expect(await codeOf(unknown)).toBe('NOT_FOUND');
  });

  it('the signed webhook refuses a bad signature, a stale timestamp and a replay, records nothing for them, and records a good call', async () => {
    const { redis, keys, url } = await setup();
    await seedContacts(redis, keys, 'people', [{ email: 'ada@example.org' }]);
    const post = (body: string, headers: Record<string, string>) => fetch(`${url}/api/v1/events`, { method: 'POST', headers, body });
    const body = JSON.stringify({ events: [{ type: 'replied', email: 'ADA@example.org', scenario: 'calls', step: 'call' }, { type: 'converted', email: 'nobody@example.org' }, { type: 'bogus', email: 'ada@example.org' }] });

    const forged = await post(body, signed(body, undefined, 'not-the-secret-0123456789'));
    expect([forged.status, await codeOf(forged)]).toEqual([401, 'BAD_SIGNATURE']);
    const tampered = await post(body.replace('replied', 'converted'), signed(body));
    expect([tampered.status, await codeOf(tampered)]).toEqual([401, 'BAD_SIGNATURE']);
    const unsigned = await post(body, { 'content-type': 'application/json' });
    expect([unsigned.status, await codeOf(unsigned)]).toEqual([401, 'BAD_SIGNATURE']);
    const stale = await post(body, signed(body, String(Math.floor(Date.now() / 1000) - 301)));
    expect([stale.status, await codeOf(stale)]).toEqual([401, 'STALE']);
    const future = await post(body, signed(body, String(Math.floor(Date.now() / 1000) + 600)));
    expect([future.status, await codeOf(future)]).toEqual([401, 'STALE']);
    expect(await eventLog(redis, keys)).toEqual([]);

    const headers = signed(body);
    const good = await post(body, headers);
    expect(good.status).toBe(200);
    expect(await good.json()).toEqual({
      recorded: 1,
      results: [
        { index: 0, ok: true, enrolled: [] },
        { index: 1, ok: false, error: { code: 'NOT_FOUND', message: expect.any(String) } },
        { index: 2, ok: false, error: { code: 'BAD_REQUEST', message: expect.any(String) } },
      ],
    });
    const replay = await post(body, headers);
    expect([replay.status, await codeOf(replay)]).toEqual([409, 'REPLAYED']);
    const log = await eventLog(redis, keys);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ e: 'replied', c: '1', o: 'webhook', s: 'call' });

    // Signed, but not JSON: refused once the signature is known good.
    const garbage = await post('{not json', signed('{not json'));
    expect([garbage.status, await codeOf(garbage)]).toEqual([400, 'BAD_REQUEST']);
  });

  it('the webhook is closed without a secret', async () => {
    const { url } = await setup({ RELANCE_API_TOKENS: TOKEN });
    const body = JSON.stringify({ events: [{ type: 'converted', email: 'ada@example.org' }] });
    const res = await fetch(`${url}/api/v1/events`, { method: 'POST', headers: signed(body), body });
    expect([res.status, await codeOf(res)]).toEqual([401, 'UNAUTHORIZED']);
  });
});
