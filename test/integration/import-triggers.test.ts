import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { importContacts } from '../../src/contacts/import.js';
import { suppress } from '../../src/contacts/suppression.js';
import { importTriggers } from '../../src/events/triggers.js';
import type { Keys } from '../../src/state/keys.js';
import type { Redis } from 'ioredis';
import { planAndApply, scenarioDir } from '../helpers/reconciler.js';
import { testRedis } from '../helpers/redis.js';

/** Imports CSV text the way `relance contacts import` does: joined contacts fire the triggers. */
async function importWithTriggers(redis: Redis, keys: Keys, list: string, text: string) {
  const entered = new Map<string, number>();
  const enroll = await importTriggers(redis, keys, list);
  const summary = await importContacts({
    redis, keys, list, stream: Readable.from([text]),
    onJoined: async (joined) => {
      for (const [name, n] of await enroll(joined, new Date())) entered.set(name, (entered.get(name) ?? 0) + n);
    },
  });
  return { summary, entered };
}

const enrolledEmails = async (redis: Redis, keys: Keys, scenario: string): Promise<string[]> => {
  const ids = await redis.hkeys(keys.enrollments(scenario));
  const emails = Object.entries(await redis.hgetall(keys.contactIds())).filter(([, id]) => ids.includes(id)).map(([email]) => email);
  return emails.sort();
};

describe('list-added and contact-created triggers on import', () => {
  it('enrols contacts new in a triggering list, once, and never a suppressed address or one the trigger excludes', async () => {
    const { redis, keys } = testRedis();
    const { dir } = scenarioDir(['welcome']); // list-added: newsletter, and content-downloads unless tagged customer
    await planAndApply(redis, keys, dir);
    await suppress(redis, keys, 'gone@example.org', 'unsubscribed', 'test');

    const first = await importWithTriggers(redis, keys, 'newsletter', 'email,firstName\nann@example.org,Ann\nben@example.org,Ben\ngone@example.org,Gil\n');
    expect(first.summary).toMatchObject({ imported: 3, joined: 3, suppressed: 1 });
    expect(first.entered).toEqual(new Map([['welcome', 2]]));
    expect(await enrolledEmails(redis, keys, 'welcome')).toEqual(['ann@example.org', 'ben@example.org']);

    // The same file again: nobody is new in the list, nobody enters again.
    const again = await importWithTriggers(redis, keys, 'newsletter', 'email,firstName\nann@example.org,Ann\nben@example.org,Ben\n');
    expect(again.summary).toMatchObject({ imported: 0, joined: 0, unchanged: 2 });
    expect(again.entered.size).toBe(0);

    // A list no trigger names: contacts are imported, nobody enters.
    const other = await importWithTriggers(redis, keys, 'partners', 'email\ncyd@example.org\n');
    expect(other.summary).toMatchObject({ imported: 1, joined: 1 });
    expect(other.entered.size).toBe(0);

    // An existing contact joining a triggering list enters; the `when` of that trigger is honoured.
    const downloads = await importWithTriggers(redis, keys, 'content-downloads', 'email,tags\ncyd@example.org,\ndee@example.org,customer\n');
    expect(downloads.summary).toMatchObject({ imported: 1, updated: 1, joined: 2 });
    expect(downloads.entered).toEqual(new Map([['welcome', 1]]));
    expect(await enrolledEmails(redis, keys, 'welcome')).toEqual(['ann@example.org', 'ben@example.org', 'cyd@example.org']);
  });

  it('contact-created enrols new contacts only, from any list', async () => {
    const { redis, keys } = testRedis();
    const s = scenarioDir(['welcome']);
    s.edit('welcome.yaml', /triggers:\n(\s+- on: list-added\n\s+list: newsletter\n)/, 'triggers:\n      - on: contact-created\n');
    await planAndApply(redis, keys, s.dir);
    await importWithTriggers(redis, keys, 'partners', 'email\nold@example.org\n');
    expect(await enrolledEmails(redis, keys, 'welcome')).toEqual(['old@example.org']);
    const later = await importWithTriggers(redis, keys, 'newsletter', 'email\nold@example.org\nnew@example.org\n');
    expect(later.summary).toMatchObject({ imported: 1, joined: 2 });
    expect(later.entered).toEqual(new Map([['welcome', 1]]));
    expect(await enrolledEmails(redis, keys, 'welcome')).toEqual(['new@example.org', 'old@example.org']);
  });

  it('a rate limit lets in at most its max per window, whatever the batches', async () => {
    const { redis, keys } = testRedis();
    const s = scenarioDir(['welcome']);
    s.edit('welcome.yaml', /(- on: list-added\n(\s+)list: newsletter\n)/, '$1$2rateLimit: { max: 3, per: day }\n');
    await planAndApply(redis, keys, s.dir);
    const first = await importWithTriggers(redis, keys, 'newsletter', 'email\na@example.org\nb@example.org\n');
    expect(first.entered).toEqual(new Map([['welcome', 2]]));
    const second = await importWithTriggers(redis, keys, 'newsletter', 'email\nc@example.org\nd@example.org\ne@example.org\n');
    expect(second.entered).toEqual(new Map([['welcome', 1]]));
    expect(await enrolledEmails(redis, keys, 'welcome')).toEqual(['a@example.org', 'b@example.org', 'c@example.org']);
  });
});
