import { describe, expect, it } from 'vitest';
import { collectReservations, deadWorkers } from '../../../src/execute/collect-reservations.js';
import { testRedis } from '../../helpers/redis.js';

describe('the sweeper settles reservations of batches that are gone', () => {
  it('releases what a dead batch never attempted, reports what it may have sent, and leaves live batches alone', async () => {
    const { redis, keys } = testRedis();
    const [seconds] = await redis.time();
    const now = Number(seconds);
    await redis.sadd(keys.scenarios(), 'drip');
    await redis.hset(keys.contactData(), '1', JSON.stringify({ email: 'ada@example.org' }), '2', JSON.stringify({ email: 'bob@example.org' }), '3', JSON.stringify({ email: 'cy@example.org' }), '4', JSON.stringify({ email: 'di@example.org' }));
    // vm:1 died a minute ago; vm:2 beats now and runs batch vm:2/7 only (vm:2/6 failed).
    await redis.hset(keys.workers(), 'vm:1', `${now - 60}|vm:1/3`, 'vm:2', `${now}|vm:2/7`);
    await redis.hset(keys.ledger('drip'),
      '1|bump|100', `pending|vm:1/3|${now - 70}`, // dead, never attempted: released
      '2|bump|100', `sending|vm:1/3|${now - 70}`, // dead, maybe sent: unknown, reported
      '3|bump|100', `pending|vm:2/7|${now}`, // a live batch's: left alone
      '4|bump|100', `pending|vm:2/6|${now - 30}`, // a failed batch of a live worker: released
      '5|bump|100', `sent|<x@acme.example>|${now - 70}`);
    expect(await deadWorkers(redis, keys)).toEqual(['vm:1']);

    expect(await collectReservations(redis, keys, new Date(now * 1000))).toBe(3);
    const ledger = await redis.hgetall(keys.ledger('drip'));
    expect(ledger).toEqual({ '2|bump|100': `unknown|${now}`, '3|bump|100': `pending|vm:2/7|${now}`, '5|bump|100': `sent|<x@acme.example>|${now - 70}` });
    const unknown = await redis.hgetall(keys.unknownSends());
    expect(Object.keys(unknown)).toEqual([keys.unknownSendField('drip', '2|bump|100')]);
    expect(JSON.parse(Object.values(unknown)[0]!)).toMatchObject({ email: 'bob@example.org', by: 'sweeper' });
    // Nothing more to settle the second time.
    expect(await collectReservations(redis, keys, new Date(now * 1000))).toBe(0);
  });
});
