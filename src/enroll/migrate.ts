import type { Redis } from 'ioredis';
import type { Keys } from '../state/keys.js';
import { runScript } from '../state/scripts.js';

/**
 * Moves every in-progress enrollment of older versions to `version` (updateStrategy: migrate),
 * in batches: HSCAN, then one lua/migrate-enrollments.lua call per batch. A contact keeps its step
 * when the new version has it, else follows `stepMap`. Returns how many moved.
 */
export async function migrateEnrollments(redis: Redis, keys: Keys, scenario: string, version: string, steps: readonly string[], stepMap: Record<string, string | undefined>): Promise<number> {
  const present = JSON.stringify(Object.fromEntries(steps.map((id) => [id, true])));
  const map = JSON.stringify(stepMap);
  let moved = 0;
  let cursor = '0';
  do {
    const [next, entries] = await redis.hscan(keys.enrollments(scenario), cursor, 'COUNT', 1000);
    cursor = next;
    const ids = entries.filter((_, i) => i % 2 === 0);
    if (ids.length) moved += await runScript<number>(redis, 'migrate-enrollments', [keys.enrollments(scenario), keys.counts(scenario)], [version, present, map, ...ids]);
  } while (cursor !== '0');
  return moved;
}
