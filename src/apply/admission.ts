import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { evaluate, type ContactView } from '../conditions/evaluate.js';
import type { Condition, Scenario } from '../schema/scenario.gen.js';
import type { Keys } from '../state/keys.js';
import { runScript } from '../state/scripts.js';
import { minuteOf } from '../state/enrollment.js';
import { parseDateTime } from '../time/parse.js';
import { TimeZone } from '../time/zone.js';

const BATCH = 1000;

/**
 * Streams the contacts a list scenario would enrol: members of its lists (each once), with a
 * contact record, not suppressed, matching the segment. Calls `onBatch` per batch of ids.
 */
export async function forEachEligible(redis: Redis, keys: Keys, scenario: Scenario, onBatch: (ids: string[]) => Promise<void>): Promise<number> {
  const lists = scenario.spec.entry.lists ?? [];
  if (lists.length === 0) return 0;
  let source = keys.list(lists[0]!);
  let scratch: string | undefined;
  if (lists.length > 1) {
    // Several lists: a contact in two of them enters once.
    scratch = keys.scratch(randomUUID());
    await redis.sunionstore(scratch, ...lists.map((l) => keys.list(l)));
    await redis.expire(scratch, 600);
    source = scratch;
  }
  let eligible = 0;
  try {
    let cursor = '0';
    do {
      const [next, ids] = await redis.sscan(source, cursor, 'COUNT', BATCH);
      cursor = next;
      const keep = await filterBatch(redis, keys, ids, scenario.spec.entry.segment);
      eligible += keep.length;
      if (keep.length) await onBatch(keep);
    } while (cursor !== '0');
  } finally {
    if (scratch) await redis.unlink(scratch);
  }
  return eligible;
}

async function filterBatch(redis: Redis, keys: Keys, ids: string[], segment: Condition | undefined): Promise<string[]> {
  if (ids.length === 0) return [];
  const data = await redis.hmget(keys.contactData(), ...ids);
  const candidates: Array<{ id: string; email: string }> = [];
  ids.forEach((id, i) => {
    const json = data[i];
    if (!json) return;
    const fields = JSON.parse(json) as Record<string, unknown>;
    if (segment && !evaluate(segment, fieldsView(fields))) return;
    candidates.push({ id, email: String(fields.email) });
  });
  if (candidates.length === 0) return [];
  const suppressed = await redis.hmget(keys.suppressed(), ...candidates.map((c) => c.email));
  return candidates.filter((_, i) => suppressed[i] === null).map((c) => c.id);
}

/** Before entering, a contact has fields and nothing else (engagement is refused in segments). */
function fieldsView(fields: Record<string, unknown>): ContactView {
  return { field: (name) => (Object.hasOwn(fields, name) ? fields[name] : undefined), engaged: () => false, formSubmitted: () => false };
}

/** `schedule.start` or `end`, in the scenario's zone, as epoch seconds. */
export function scheduleBound(scenario: Scenario, which: 'start' | 'end'): number | undefined {
  const value = scenario.spec.schedule?.[which];
  if (!value) return undefined;
  const at = parseDateTime(value, TimeZone.of(scenario.spec.schedule?.timezone ?? 'UTC'));
  return at === undefined ? undefined : Math.floor(at / 1000);
}

export interface AdmissionResult {
  admitted: number;
  blocked: number;
  already: number;
}

/**
 * Enrolls the eligible members of a list scenario at its entry step, scheduled at once (or at
 * the schedule's start): the workers apply send windows when the step runs. Safe to run again.
 */
export async function admitListMembers(redis: Redis, keys: Keys, input: { name: string; version: string; entry: string; scenario: Scenario; now: Date }): Promise<AdmissionResult> {
  const total: AdmissionResult = { admitted: 0, blocked: 0, already: 0 };
  const cap = input.scenario.spec.limits?.maxActive ?? 0;
  const now = Math.floor(input.now.getTime() / 1000);
  const end = scheduleBound(input.scenario, 'end');
  // `schedule.end`: nobody enters after it (those already in finish their run).
  if (end !== undefined && now >= end) return total;
  const due = Math.max(now, scheduleBound(input.scenario, 'start') ?? 0);
  const minute = minuteOf(due);
  const bucketKeys = [keys.enrollments(input.name), keys.counts(input.name), keys.dueBucket(input.name, minute), keys.dueIndex()];
  await forEachEligible(redis, keys, input.scenario, async (ids) => {
    const [admitted, blocked, already] = await runScript<number[]>(redis, 'admit', bucketKeys, [input.version, input.entry, now, cap, due, `${input.name}|${minute}`, ...ids]);
    total.admitted += admitted ?? 0;
    total.blocked += blocked ?? 0;
    total.already += already ?? 0;
  });
  return total;
}
