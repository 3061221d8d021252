import { describe, expect, it } from 'vitest';
import { getContact, listSize } from '../../../src/contacts/store.js';
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
});
