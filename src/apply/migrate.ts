import type { Redis } from 'ioredis';
import { shortDigest } from '../compile/normalize.js';
import type { DesiredScenario } from '../plan/desired-state.js';
import type { Keys } from '../state/keys.js';
import { runScript } from '../state/scripts.js';

/** Moves every in-progress enrollment to the new version, in batches (HSCAN + one script each). */
export async function migrateEnrollments(redis: Redis, keys: Keys, name: string, desired: DesiredScenario): Promise<number> {
  const steps = JSON.stringify(Object.fromEntries(desired.graph.order.map((id) => [id, true])));
  const map = JSON.stringify(desired.scenario.spec.updateStrategy?.stepMap ?? {});
  let moved = 0;
  let cursor = '0';
  do {
    const [next, entries] = await redis.hscan(keys.enrollments(name), cursor, 'COUNT', 1000);
    cursor = next;
    const ids = entries.filter((_, i) => i % 2 === 0);
    if (ids.length) moved += await runScript<number>(redis, 'migrate-enrollments', [keys.enrollments(name), keys.counts(name)], [shortDigest(desired.digest), steps, map, ...ids]);
  } while (cursor !== '0');
  return moved;
}
