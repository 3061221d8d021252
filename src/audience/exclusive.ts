import type { Redis } from 'ioredis';
import { inProgressIn } from '../enroll/read.js';
import type { Keys } from '../state/keys.js';
import { readScenarioRecords, readVersion } from '../state/scenario-store.js';

/**
 * `exclusive` (000): one scenario at a time per contact. Drops contacts in progress in one of
 * the other running exclusive scenarios (a paused one still counts). Checked against the
 * enrollments themselves, so an archive or a removal frees the contact with nothing to clean up.
 */
export async function notBusy(redis: Redis, keys: Keys, ids: string[], busyIn: string[]): Promise<string[]> {
  if (ids.length === 0 || busyIn.length === 0) return ids;
  const busy = new Set<string>();
  for (const other of busyIn) for (const id of await inProgressIn(redis, keys, other, ids)) busy.add(id);
  return ids.filter((id) => !busy.has(id));
}

/** The other running (or paused) exclusive scenarios, for `notBusy`. */
export async function otherExclusive(redis: Redis, keys: Keys, name: string): Promise<string[]> {
  const out: string[] = [];
  for (const record of (await readScenarioRecords(redis, keys)).values()) {
    if (record.name === name || (record.state !== 'running' && record.state !== 'paused')) continue;
    const version = await readVersion(redis, keys, record.name, record.digest);
    if (version?.scenario.spec.exclusive) out.push(record.name);
  }
  return out;
}
