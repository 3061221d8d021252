import type { Redis } from 'ioredis';
import type { Keys } from '../state/keys.js';
import { readCounts } from '../enroll/read.js';
import { readScenarioRecords, readStateRev, readVersion, type CountRow, type VersionRecord } from '../state/scenario-store.js';
import type { RunningSnapshot } from './compute-plan.js';

/** Reads everything a plan compares against, in a handful of round trips per scenario. */
export async function readRunning(redis: Redis, keys: Keys): Promise<RunningSnapshot> {
  const basis = await readStateRev(redis, keys);
  const records = await readScenarioRecords(redis, keys);
  const versions = new Map<string, VersionRecord>();
  const counts = new Map<string, CountRow[]>();
  for (const record of records.values()) {
    const version = await readVersion(redis, keys, record.name, record.digest);
    if (version) versions.set(record.name, version);
    counts.set(record.name, await readCounts(redis, keys, record.name));
  }
  return { basis, prefix: keys.prefix, records, versions, counts };
}
