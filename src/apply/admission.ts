import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { evaluate, type ContactView } from '../conditions/evaluate.js';
import type { Condition, Scenario } from '../schema/scenario.gen.js';
import type { Keys } from '../state/keys.js';
import { runScript } from '../state/scripts.js';
import { IN_PROGRESS, readScenarioRecords, readVersion } from '../state/scenario-store.js';
import { minuteOf, unpackEnrollment } from '../state/enrollment.js';
import { parseDateTime } from '../time/parse.js';
import { TimeZone } from '../time/zone.js';

const BATCH = 1000;

/**
 * Streams the contacts a list scenario would enrol: members of its lists (each once), with a
 * contact record, not suppressed, matching the segment. Calls `onBatch` per batch of ids.
 */
export async function forEachEligible(redis: Redis, keys: Keys, scenario: Scenario, onBatch: (ids: string[]) => Promise<void>, busyIn: string[] = []): Promise<number> {
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
      const keep = await notBusy(redis, keys, await filterBatch(redis, keys, ids, scenario.spec.entry.segment), busyIn);
      eligible += keep.length;
      if (keep.length) await onBatch(keep);
    } while (cursor !== '0');
  } finally {
    if (scratch) await redis.unlink(scratch);
  }
  return eligible;
}

/**
 * `exclusive` (000): one scenario at a time per contact. Drops contacts in progress in one of
 * the other running exclusive scenarios (a paused one still counts). Checked against the
 * enrollments themselves, so an archive or a removal frees the contact with nothing to clean up.
 */
export async function notBusy(redis: Redis, keys: Keys, ids: string[], busyIn: string[]): Promise<string[]> {
  if (ids.length === 0 || busyIn.length === 0) return ids;
  const busy = new Set<string>();
  for (const other of busyIn) {
    const values = await redis.hmget(keys.enrollments(other), ...ids);
    values.forEach((v, i) => { if (v && IN_PROGRESS.includes(unpackEnrollment(v).status)) busy.add(ids[i]!); });
  }
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
  const bucketKeys = [keys.enrollments(input.name), keys.counts(input.name), keys.dueBucket(input.name, minute), keys.dueIndex(), keys.blocked(input.name)];
  const busyIn = input.scenario.spec.exclusive ? await otherExclusive(redis, keys, input.name) : [];
  const perDay = input.scenario.spec.limits?.maxEntriesPerDay;
  const dayKey = keys.scratch(`entries:${input.name}:${new Date(now * 1000).toISOString().slice(0, 10)}`);
  await forEachEligible(redis, keys, input.scenario, async (candidates) => {
    // limits.maxEntriesPerDay: the rest enter on later days (the reconcile loop admits again).
    let ids = candidates;
    if (perDay) {
      const used = Number((await redis.get(dayKey)) ?? 0);
      ids = candidates.slice(0, Math.max(0, perDay - used));
      if (ids.length === 0) return;
    }
    const [admitted, blocked, already] = await runScript<number[]>(redis, 'admit', bucketKeys, [input.version, input.entry, now, cap, due, `${input.name}|${minute}`, ...ids]);
    total.admitted += admitted ?? 0;
    total.blocked += blocked ?? 0;
    total.already += already ?? 0;
    if (perDay && (admitted ?? 0) + (blocked ?? 0) > 0) await redis.multi().incrby(dayKey, (admitted ?? 0) + (blocked ?? 0)).expire(dayKey, 3 * 86400).exec();
  }, busyIn);
  return total;
}
