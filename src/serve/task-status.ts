import type { Redis } from 'ioredis';
import type { Keys } from '../state/keys.js';
import { readScenarioRecord, readVersion } from '../state/scenario-store.js';

/**
 * Whether a task id that is not open names a real task (`<scenario>:<contact id>:<step>`: a task
 * step of an existing scenario, for an existing contact). A done task leaves the open tasks, so
 * this is what tells "done already" (409) from "no such task" (404).
 */
export async function namesRealTask(redis: Redis, keys: Keys, id: string): Promise<boolean> {
  const m = /^(.+):([^:]+):([^:]+)$/.exec(id);
  if (!m) return false;
  const [, scenario, contactId, step] = m as unknown as [string, string, string, string];
  const record = await readScenarioRecord(redis, keys, scenario);
  if (!record) return false;
  const version = await readVersion(redis, keys, scenario, record.digest);
  if (version?.graph.steps[step]?.step.type !== 'task') return false;
  return (await redis.hexists(keys.contactData(), contactId)) === 1;
}
