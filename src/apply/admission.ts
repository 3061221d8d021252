import type { Redis } from 'ioredis';
import { evaluate, type ContactView } from '../conditions/evaluate.js';
import { isValidEmail, normalizeEmail } from '../contacts/normalize.js';
import { notInLists } from '../contacts/store.js';
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
    const fields = readFields(data[i] ?? null);
    // No record, an unreadable one, or an address nobody can send to: not a candidate.
    const email = typeof fields?.email === 'string' ? normalizeEmail(fields.email) : '';
    if (!fields || !isValidEmail(email)) return;
    if (segment && !evaluate(segment, fieldsView(fields))) return;
    candidates.push({ id, email });
  });
  if (candidates.length === 0) return [];
  const suppressed = await redis.hmget(keys.suppressed(), ...candidates.map((c) => c.email));
  return candidates.filter((_, i) => suppressed[i] === null).map((c) => c.id);
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
