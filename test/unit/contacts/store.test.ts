import { describe, expect, it } from 'vitest';
import { countDeliverable, getContact, listSize } from '../../../src/contacts/store.js';
import { getSuppression, isSuppressed, suppress, suppressedMany } from '../../../src/contacts/suppression.js';
import { testRedis } from '../../helpers/redis.js';
import { importText } from './helpers.js';

describe('suppression', () => {
  it('suppresses a normalised address once, keeping the first reason', async () => {
    const { redis, keys } = testRedis();
    const at = new Date('2025-01-02T03:04:05Z');
    expect(await suppress(redis, keys, ' Bob@Example.com ', 'unsubscribed', 'link', at)).toBe(true);
    expect(await suppress(redis, keys, 'bob@example.com', 'bounced', 'smtp')).toBe(false);
    expect(await getSuppression(redis, keys, 'BOB@example.com')).toEqual({ reason: 'unsubscribed', at: '2025-01-02T03:04:05.000Z', source: 'link' });
    expect(await isSuppressed(redis, keys, 'bob@example.com')).toBe(true);
    expect(await isSuppressed(redis, keys, 'alice@example.com')).toBe(false);
    expect(await getSuppression(redis, keys, 'alice@example.com')).toBeNull();
    await expect(suppress(redis, keys, '  ', 'manual', 'x')).rejects.toThrow(/empty/);
  });

  it('answers for many addresses, in order, across chunks', async () => {
    const { redis, keys } = testRedis();
    const emails = Array.from({ length: 2500 }, (_, i) => `u${i}@example.com`);
    for (const i of [0, 999, 1000, 2499]) await suppress(redis, keys, emails[i]!, 'bounced', 'test');
    const flags = await suppressedMany(redis, keys, emails.map((e) => e.toUpperCase()));
    expect(flags).toHaveLength(2500);
    expect(flags.flatMap((f, i) => (f ? [i] : []))).toEqual([0, 999, 1000, 2499]);
    expect(await suppressedMany(redis, keys, [])).toEqual([]);
  });
});

describe('contact reads', () => {
  it('gets a contact by address and sizes a list', async () => {
    const { redis, keys } = testRedis();
    await importText(redis, keys, 'email,firstName\nann@example.com,Ann\n', 'a');
    expect(await getContact(redis, keys, 'ANN@example.com')).toEqual({ id: '1', fields: { email: 'ann@example.com', firstName: 'Ann' } });
    expect(await getContact(redis, keys, 'nobody@example.com')).toBeNull();
    expect(await listSize(redis, keys, 'a')).toBe(1);
    expect(await listSize(redis, keys, 'missing')).toBe(0);
  });

  it('counts deliverable contacts: union of the lists once, suppressed and invalid addresses excluded', async () => {
    const { redis, keys } = testRedis();
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `c${from + i}@example.com`).join('\n');
    await importText(redis, keys, `email\n${range(0, 3000)}\n`, 'a'); // c0..c2999
    await importText(redis, keys, `email\n${range(2000, 4000)}\n`, 'b'); // c2000..c3999: 1000 shared with a
    await importText(redis, keys, `email\n${range(3500, 3600)}\n`, 'c'); // inside b
    for (const i of [1, 2500, 3999]) await suppress(redis, keys, `c${i}@example.com`, 'unsubscribed', 'test');
    await suppress(redis, keys, 'not-imported@example.com', 'bounced', 'test');
    // A record written by some other path with an address that is not valid: not deliverable.
    const id = await redis.hget(keys.contactIds(), 'c5@example.com');
    await redis.hset(keys.contactData(), id!, JSON.stringify({ email: 'broken address' }));
    // An id in a list without a contact record: not deliverable either.
    await redis.sadd(keys.list('a'), '999999');

    expect(await countDeliverable(redis, keys, ['a'])).toBe(3000 - 2 - 1);
    expect(await countDeliverable(redis, keys, ['b'])).toBe(2000 - 2);
    expect(await countDeliverable(redis, keys, ['a', 'b', 'c'])).toBe(4000 - 3 - 1);
    expect(await countDeliverable(redis, keys, ['c', 'b', 'a', 'a'])).toBe(4000 - 3 - 1);
    expect(await countDeliverable(redis, keys, ['missing'])).toBe(0);
    expect(await countDeliverable(redis, keys, [])).toBe(0);
  });
});
