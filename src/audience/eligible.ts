import type { Redis } from 'ioredis';
import { evaluate, type ContactView } from '../conditions/evaluate.js';
import { isValidEmail, normalizeEmail } from '../contacts/normalize.js';
import { notInLists } from '../contacts/store.js';
import { suppressedMany } from '../contacts/suppression.js';
import type { Condition, Scenario } from '../schema/scenario.gen.js';
import type { Keys } from '../state/keys.js';
import { notBusy } from './exclusive.js';

const BATCH = 1000;

/**
 * Streams the contacts a list scenario would enrol: members of its lists (each once), with a
 * contact record and a valid address, not suppressed, matching the segment. Calls `onBatch` per
 * batch of ids and returns how many there were: the "leads affectés" a plan shows (SPEC 3.1).
 *
 * Each list is walked with SSCAN, 1,000 ids at a time: a million contacts are never in memory at
 * once, and Redis is never blocked by a big union. A contact of several lists goes with the first
 * list that has it (SMISMEMBER against the lists before). As with any SCAN, a list resized while
 * it is walked may return an id twice; admission is idempotent, and the count is exact when the
 * lists do not change meanwhile.
 */
export async function forEachEligible(redis: Redis, keys: Keys, scenario: Scenario, onBatch: (ids: string[]) => Promise<void>, busyIn: string[] = []): Promise<number> {
  const lists = [...new Set(scenario.spec.entry.lists ?? [])];
  let eligible = 0;
  for (let i = 0; i < lists.length; i++) {
    let cursor = '0';
    do {
      const [next, ids] = await redis.sscan(keys.list(lists[i]!), cursor, 'COUNT', BATCH);
      cursor = next;
      const fresh = await notInLists(redis, keys, ids, lists.slice(0, i));
      const keep = await notBusy(redis, keys, await filterBatch(redis, keys, fresh, scenario.spec.entry.segment), busyIn);
      eligible += keep.length;
      if (keep.length) await onBatch(keep);
    } while (cursor !== '0');
  }
  return eligible;
}

async function filterBatch(redis: Redis, keys: Keys, ids: string[], segment: Condition | undefined): Promise<string[]> {
  if (ids.length === 0) return [];
  const data = await redis.hmget(keys.contactData(), ...ids);
  const candidates: Array<{ id: string; email: string }> = [];
  ids.forEach((id, i) => {
    const fields = readFields(data[i] ?? null);
    // No record, an unreadable one, or an address nobody can send to: not a candidate.
    const email = typeof fields?.email === 'string' ? normalizeEmail(fields.email) : '';
    if (!fields || !isValidEmail(email)) return;
    if (segment && !evaluate(segment, fieldsView(fields))) return;
    candidates.push({ id, email });
  });
  if (candidates.length === 0) return [];
  const suppressed = await suppressedMany(redis, keys, candidates.map((c) => c.email));
  return candidates.filter((_, i) => !suppressed[i]).map((c) => c.id);
}

function readFields(json: string | null): Record<string, unknown> | undefined {
  if (json === null) return undefined;
  try {
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Before entering, a contact has fields and nothing else (engagement is refused in segments). */
export function fieldsView(fields: Record<string, unknown>): ContactView {
  return { field: (name) => (Object.hasOwn(fields, name) ? fields[name] : undefined), engaged: () => false, formSubmitted: () => false };
}
