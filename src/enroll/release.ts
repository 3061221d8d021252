import type { ChainableCommander } from 'ioredis';
import type { Keys } from '../state/keys.js';

/**
 * Archiving releases a scenario's contacts (000): their enrollments, counters and blocked queue
 * go in the caller's transaction, with the state change. The versions stay for reports; the
 * sweep drops the scenario's due buckets as it meets them.
 */
export function releaseInto(tx: ChainableCommander, keys: Keys, scenario: string): ChainableCommander {
  return tx.unlink(keys.enrollments(scenario), keys.counts(scenario), keys.blocked(scenario));
}
