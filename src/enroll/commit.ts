import type { Redis } from 'ioredis';
import { countField, holdsPlace, isScheduled, minuteOf, packEnrollment, unpackEnrollment, visitField, type Enrollment } from '../state/enrollment.js';
import type { Keys } from '../state/keys.js';
import { runScript } from '../state/scripts.js';
import { flagArg, type EngagementFlag } from './wake.js';

/** One contact's move after a worker's pass, committed only if its enrollment did not change meanwhile. */
export interface Move {
  id: string;
  /** The enrollment exactly as the worker read it (the compare-and-set value). */
  old: string;
  /** Where the contact is now; the old enrollment when the pass changed nothing. */
  next: Enrollment;
  /** Look at the contact again at this time (epoch seconds) even though `next` is unchanged. */
  requeueAt?: number;
  /** Engagement the pass recorded (an email received, a hard bounce). */
  flags?: EngagementFlag[];
  /** The contact's whole field record after score and update steps. */
  fields?: Record<string, unknown>;
  /** The send ledger's entry for this visit: its new value, or '' to clear a failed reservation. */
  ledger?: { field: string; value: string };
  /** Steps the contact went through (the live view's "went through" counts). */
  passed: string[];
  /** Why the run ended in error. */
  reason?: string;
  /** How a finished run ended: success, failure, end. */
  outcome?: string;
}

const FIRST_BUCKET = 10; // KEYS[10…] in lua/commit-batch.lua

/**
 * Commits a batch's moves in one script (lua/commit-batch.lua): enrollments, counts, the active
 * total, the blocked queue, the due buckets and index move together. Returns the ids skipped
 * because their enrollment changed since it was read.
 */
export async function commitMoves(redis: Redis, keys: Keys, scenario: string, moves: Move[], nowS: number): Promise<string[]> {
  if (moves.length === 0) return [];
  const buckets: string[] = [];
  const ops = moves.map((m) => {
    const old = unpackEnrollment(m.old);
    const at = m.requeueAt ?? (isScheduled(m.next) ? m.next.due : undefined);
    let bucket = 0;
    let minute = 0;
    if (at !== undefined) {
      minute = minuteOf(at);
      const key = keys.dueBucket(scenario, minute);
      let index = buckets.indexOf(key);
      if (index < 0) index = buckets.push(key) - 1;
      bucket = index + FIRST_BUCKET;
    }
    return {
      id: m.id, old: m.old, new: packEnrollment(m.next),
      from: countField(old), to: countField(m.next),
      bucket, member: keys.dueMember(scenario, minute), score: minute * 60,
      flags: (m.flags ?? []).map(flagArg),
      fields: m.fields ? JSON.stringify(m.fields) : null,
      ledger: m.ledger?.field ?? null, value: m.ledger?.value ?? null,
      // Leaving the run frees a place under the cap: the first blocked contact enters.
      done: holdsPlace(old.status) && !holdsPlace(m.next.status),
      passed: m.passed,
      // The visit the contact leaves: a reservation some other batch left there, never attempted, goes.
      visit: m.next.step !== old.step || m.next.since !== old.since || !holdsPlace(m.next.status) ? visitField(m.id, old.step, old.since) : null,
      reason: m.reason?.slice(0, 500) ?? null,
      outcome: m.outcome ?? null,
    };
  });
  const nowMinute = minuteOf(nowS);
  return runScript<string[]>(redis, 'commit-batch', [
    keys.enrollments(scenario), keys.counts(scenario), keys.engagement(scenario), keys.ledger(scenario), keys.contactData(), keys.dueIndex(), keys.errors(scenario),
    keys.blocked(scenario), keys.dueBucket(scenario, nowMinute), ...buckets,
  ], [JSON.stringify(ops), nowS, keys.dueMember(scenario, nowMinute), nowMinute * 60]);
}
