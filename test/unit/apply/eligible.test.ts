import { describe, expect, it } from 'vitest';
import { forEachEligible } from '../../../src/audience/eligible.js';
import { suppress } from '../../../src/contacts/suppression.js';
import { loadScenarioText } from '../../../src/load/load-scenario.js';
import type { Scenario } from '../../../src/schema/scenario.gen.js';
import { MINIMAL } from '../../helpers/scenario-text.js';
import { testRedis } from '../../helpers/redis.js';
import { importText } from '../contacts/helpers.js';

function scenario(entry: string): Scenario {
  const loaded = loadScenarioText(MINIMAL.replace('    lists: [newsletter]\n', entry), 'eligible.yaml');
  expect(loaded.diagnostics).toEqual([]);
  return loaded.scenario!;
}

describe('forEachEligible', () => {
  it('streams the union of the lists once, without suppressed, invalid or missing contacts', async () => {
    const { redis, keys } = testRedis();
    const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `c${from + i}@example.com`).join('\n');
    await importText(redis, keys, `email\n${range(0, 3000)}\n`, 'a'); // c0..c2999
    await importText(redis, keys, `email\n${range(2000, 4000)}\n`, 'b'); // c2000..c3999: 1000 shared with a
    await importText(redis, keys, `email\n${range(3500, 3600)}\n`, 'c'); // inside b
    for (const i of [1, 2500, 3999]) await suppress(redis, keys, `c${i}@example.com`, 'unsubscribed', 'test');
    await suppress(redis, keys, 'not-imported@example.com', 'bounced', 'test');
    // Records written by some other path: an address nobody can send to, and unreadable JSON.
    await redis.hset(keys.contactData(), (await redis.hget(keys.contactIds(), 'c5@example.com'))!, JSON.stringify({ email: 'broken address' }));
    await redis.hset(keys.contactData(), (await redis.hget(keys.contactIds(), 'c6@example.com'))!, '{not json');
    // An id in a list without a contact record.
    await redis.sadd(keys.list('a'), '999999');

    const count = async (entry: string) => {
      const seen: string[] = [];
      const n = await forEachEligible(redis, keys, scenario(entry), async (ids) => { seen.push(...ids); });
      expect(new Set(seen).size, 'each contact once').toBe(seen.length);
      expect(seen.length).toBe(n);
      return n;
    };
    expect(await count('    lists: [a]\n')).toBe(3000 - 2 - 2);
    expect(await count('    lists: [b]\n')).toBe(2000 - 2);
    expect(await count('    lists: [a, b, c]\n')).toBe(4000 - 3 - 2);
    expect(await count('    lists: [c, b, a]\n')).toBe(4000 - 3 - 2);
    expect(await count('    lists: [missing]\n')).toBe(0);
  });

  it('applies the segment', async () => {
    const { redis, keys } = testRedis();
    await importText(redis, keys, 'email,country\na@example.com,FR\nb@example.com,DE\nc@example.com,BE\nd@example.com,\n', 'news');
    const n = await forEachEligible(redis, keys, scenario('    lists: [news]\n    segment: { field: country, in: [FR, BE] }\n'), async () => {});
    expect(n).toBe(2);
  });
});
