import type { Redis } from 'ioredis';
import { forEachEligible } from '../audience/eligible.js';
import { otherExclusive } from '../audience/exclusive.js';
import type { CompiledSchedule } from '../schema/compiled.js';
import { admit } from '../enroll/admit.js';
import type { Scenario } from '../schema/scenario.gen.js';
import type { Keys } from '../state/keys.js';

export interface AdmissionResult {
  admitted: number;
  blocked: number;
  already: number;
}

/**
 * Enrolls the eligible members of a list scenario at its entry step, scheduled at once (or at
 * the schedule's start): the workers apply send windows when the step runs. Safe to run again.
 */
export async function admitListMembers(redis: Redis, keys: Keys, input: { name: string; version: string; entry: string; scenario: Scenario; schedule: CompiledSchedule; now: Date }): Promise<AdmissionResult> {
  const total: AdmissionResult = { admitted: 0, blocked: 0, already: 0 };
  const { scenario, schedule } = input;
  const now = Math.floor(input.now.getTime() / 1000);
  // `schedule.end`: nobody enters after it (those already in finish their run).
  if (schedule.end !== undefined && now >= schedule.end) return total;
  const due = Math.max(now, schedule.start ?? 0);
  const busyIn = scenario.spec.exclusive ? await otherExclusive(redis, keys, input.name) : [];
  const perDay = scenario.spec.limits?.maxEntriesPerDay;
  const dayKey = keys.scratch(`entries:${input.name}:${new Date(now * 1000).toISOString().slice(0, 10)}`);
  await forEachEligible(redis, keys, scenario, async (candidates) => {
    // limits.maxEntriesPerDay: the rest enter on later days (the reconcile loop admits again).
    let ids = candidates;
    if (perDay) {
      const used = Number((await redis.get(dayKey)) ?? 0);
      ids = candidates.slice(0, Math.max(0, perDay - used));
      if (ids.length === 0) return;
    }
    const result = await admit(redis, keys, { scenario: input.name, version: input.version, entry: input.entry, now, due, cap: scenario.spec.limits?.maxActive ?? 0, ids });
    total.admitted += result.admitted;
    total.blocked += result.blocked;
    total.already += result.already;
    const entered = result.admitted + result.blocked;
    if (perDay && entered > 0) await redis.multi().incrby(dayKey, entered).expire(dayKey, 3 * 86400).exec();
  }, busyIn);
  return total;
}
