import type { Redis } from 'ioredis';
import { minuteOf, unpackEnrollment } from '../state/enrollment.js';
import type { Keys } from '../state/keys.js';
import { runScript } from '../state/scripts.js';

export type ContactAction = 'pause' | 'resume' | 'remove';

/**
 * Pauses, resumes or removes one contact's enrollment (lua/set-enrollment-status.lua). Returns
 * its previous status, or undefined when the contact is not enrolled.
 */
export async function setEnrollmentStatus(redis: Redis, keys: Keys, scenario: string, id: string, action: ContactAction, now: Date): Promise<string | undefined> {
  const nowS = Math.floor(now.getTime() / 1000);
  const nowMinute = minuteOf(nowS);
  // The script refuses a value that changed since it was read (the bucket is chosen from it).
  for (let attempt = 0; attempt < 5; attempt++) {
    const value = await redis.hget(keys.enrollments(scenario), id);
    if (!value) return undefined;
    const minute = minuteOf(Math.max(unpackEnrollment(value).due, nowS));
    const previous = await runScript<string | null>(redis, 'set-enrollment-status',
      [keys.enrollments(scenario), keys.counts(scenario), keys.dueBucket(scenario, minute), keys.dueIndex(), keys.blocked(scenario), keys.engagement(scenario), keys.errors(scenario), keys.dueBucket(scenario, nowMinute), keys.ledger(scenario)],
      [id, action, nowS, value, keys.dueMember(scenario, minute), minute * 60, keys.dueMember(scenario, nowMinute), nowMinute * 60]);
    if (previous === null) return undefined;
    if (previous !== 'retry') return previous;
  }
  return undefined;
}
