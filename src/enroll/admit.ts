import type { Redis } from 'ioredis';
import { minuteOf } from '../state/enrollment.js';
import type { Keys } from '../state/keys.js';
import { runScript } from '../state/scripts.js';

export interface AdmitInput {
  scenario: string;
  /** The version's short digest the contacts are pinned to. */
  version: string;
  entry: string;
  /** Epoch seconds: when they enter. */
  now: number;
  /** Epoch seconds: when the entry step is due (now, or the schedule's start). */
  due: number;
  /** `limits.maxActive` (0: none): contacts over it wait as `blocked`. */
  cap: number;
  /** `reentry: always`: contacts whose run ended start a new one. */
  reenter?: boolean;
  ids: string[];
}

export interface AdmitResult {
  admitted: number;
  blocked: number;
  already: number;
  reentered: number;
}

/** Enrolls contacts at the entry step (lua/admit.lua): idempotent, counts and schedule kept in step. */
export async function admit(redis: Redis, keys: Keys, input: AdmitInput): Promise<AdmitResult> {
  if (input.ids.length === 0) return { admitted: 0, blocked: 0, already: 0, reentered: 0 };
  const { scenario } = input;
  const minute = minuteOf(input.due);
  const [admitted = 0, blocked = 0, already = 0, reentered = 0] = await runScript<number[]>(redis, 'admit',
    [keys.enrollments(scenario), keys.counts(scenario), keys.dueBucket(scenario, minute), keys.dueIndex(), keys.blocked(scenario), keys.engagement(scenario), keys.errors(scenario)],
    [input.version, input.entry, input.now, input.cap, input.due, keys.dueMember(scenario, minute), input.reenter ? 1 : 0, ...input.ids]);
  return { admitted, blocked, already, reentered };
}
