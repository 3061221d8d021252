import type { Redis } from 'ioredis';
import { enrollOnTrigger, type TriggerEntry } from '../events/triggers.js';
import type { Keys } from '../state/keys.js';

/**
 * Fires the `api` trigger (SPEC 3.1: 30 entries a minute unless the trigger says otherwise). The
 * limit is the trigger's own, counted in Redis by enrollOnTrigger across every process; the
 * scenarios it refused come back with the seconds until their window ends (`Retry-After`).
 */
export function fireApiTrigger(redis: Redis, keys: Keys, contactId: string, email: string, at: Date): Promise<TriggerEntry> {
  return enrollOnTrigger(redis, keys, { type: 'api', email, at }, contactId);
}
