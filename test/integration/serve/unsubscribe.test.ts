import { afterEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { importContacts } from '../../../src/contacts/import.js';
import { isSuppressed } from '../../../src/contacts/suppression.js';
import { getContact } from '../../../src/contacts/store.js';
import { signToken } from '../../../src/delivery/tokens.js';
import type { Keys } from '../../../src/state/keys.js';
import { testRedis } from '../../helpers/redis.js';
import { startServe, type ServerProcess } from '../../helpers/serve.js';

const SECRET = 'test-secret-0123456789abcdef';
const SCENARIO = 'spring-promo';
const STEP = 'welcome';
const VISIT = 1_741_590_000;

const servers: ServerProcess[] = [];
afterEach(async () => { await Promise.all(servers.splice(0).map((s) => s.stop())); });

async function* csv(text: string): AsyncIterable<string> { yield text; }

/** A French contact, the server, and a function giving a contact's unsubscribe link. */
async function setup(redis: Redis, keys: Keys) {
  await importContacts({ redis, keys, list: 'customers', stream: csv('email,firstName,language\nlea.martin@example.fr,Léa,fr\n') });
  const lea = (await getContact(redis, keys, 'lea.martin@example.fr'))!.id;
  const server = await startServe(keys);
  servers.push(server);
  const link = (id: string) => `${server.url}/u/${signToken({ scenario: SCENARIO, contactId: id, step: STEP, kind: 'unsubscribe', visit: VISIT }, SECRET)}`;
  return { lea, server, link };
}

const oneClick = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click', redirect: 'manual' } as const;

async function unsubscribedEvents(redis: Redis, keys: Keys): Promise<string[][]> {
  return (await redis.xrange(keys.events(SCENARIO), '-', '+')).map(([, fields]) => fields);
}

describe('relance serve: unsubscribe', () => {
  it('GET shows a confirmation form in the contact’s language and changes nothing', async () => {
    const { redis, keys } = testRedis();
    const { lea, link } = await setup(redis, keys);
    const res = await fetch(link(lea));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Vous ne souhaitez plus recevoir ces emails ?');
    expect(html).toMatch(/<form method="post" action="">/);
    expect(html).toContain('Se désinscrire');
    expect(await redis.hlen(keys.suppressed())).toBe(0);
    expect(await redis.exists(keys.events(SCENARIO))).toBe(0);
  });

  it('escapes what the page shows', async () => {
    const { redis, keys } = testRedis();
    const { link } = await setup(redis, keys);
    // The importer refuses such an address: written as a corrupted store would hold it.
    await redis.hset(keys.contactData(), '999', JSON.stringify({ email: '"><script>alert(1)</script>@example.com', language: '"><b>' }));
    const html = await (await fetch(link('999'))).text();
    expect(html).not.toMatch(/<script|<b>/);
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@example.com');
  });

  it('one-click POST (RFC 8058) unsubscribes at once: 200, no redirect, no cookie', async () => {
    const { redis, keys } = testRedis();
    const { lea, link } = await setup(redis, keys);
    const res = await fetch(link(lea), oneClick);
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.text()).toBe('unsubscribed\n');
    expect(await isSuppressed(redis, keys, 'lea.martin@example.fr')).toBe(true);
    const [fields] = await unsubscribedEvents(redis, keys);
    expect(fields).toEqual(expect.arrayContaining(['e', 'unsubscribed', 'o', 'one-click', 's', STEP, 'i', String(VISIT)]));
  });

  it('accepts one-click as multipart/form-data too', async () => {
    const { redis, keys } = testRedis();
    const { lea, link } = await setup(redis, keys);
    const form = new FormData();
    form.set('List-Unsubscribe', 'One-Click');
    const res = await fetch(link(lea), { method: 'POST', body: form, redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('unsubscribed\n');
    expect(await isSuppressed(redis, keys, 'lea.martin@example.fr')).toBe(true);
  });

  it('the confirmation form’s POST unsubscribes and answers a page', async () => {
    const { redis, keys } = testRedis();
    const { lea, link } = await setup(redis, keys);
    const res = await fetch(link(lea), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'confirm=1', redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('Vous êtes désinscrit');
    expect(await isSuppressed(redis, keys, 'lea.martin@example.fr')).toBe(true);
    const [fields] = await unsubscribedEvents(redis, keys);
    expect(fields).toEqual(expect.arrayContaining(['e', 'unsubscribed', 'o', 'page']));
  });

  it('refuses a bad token with a 404, GET or POST, and changes nothing', async () => {
    const { redis, keys } = testRedis();
    const { lea, link, server } = await setup(redis, keys);
    const good = link(lea);
    const open = `${server.url}/u/${signToken({ scenario: SCENARIO, contactId: lea, step: STEP, kind: 'open' }, SECRET)}`;
    for (const bad of [good.slice(0, -2), `${server.url}/u/not-a-token`, open]) {
      const get = await fetch(bad);
      expect(get.status, bad).toBe(404);
      expect(await get.text()).toContain('not valid');
      const post = await fetch(bad, oneClick);
      expect(post.status, bad).toBe(404);
    }
    expect(await redis.hlen(keys.suppressed())).toBe(0);
    expect(await redis.exists(keys.events(SCENARIO))).toBe(0);
  });
});
