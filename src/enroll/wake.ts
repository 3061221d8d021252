import type { Redis } from 'ioredis';
import { minuteOf } from '../state/enrollment.js';
import type { Keys } from '../state/keys.js';
import { runScript } from '../state/scripts.js';

/** An engagement flag to record: what the contact did, with which email (see lib/enrollment.lua). */
export type EngagementFlag =
  | { kind: 'form' }
  | { kind: 'converted' }
  | { kind: 'received' | 'delivered' | 'opened' | 'clicked' | 'replied' | 'bounced'; step: string };

const LETTER = { received: 'r', delivered: 'd', opened: 'o', clicked: 'c', replied: 'p', bounced: 'b' } as const;

/** The flag as the scripts take it: 'f', 'v' or '<letter>:<step>'. */
export function flagArg(flag: EngagementFlag): string {
  if (flag.kind === 'form') return 'f';
  if (flag.kind === 'converted') return 'v';
  return `${LETTER[flag.kind]}:${flag.step}`;
}

/**
 * Records what an enrolled contact did and makes it due now if it waits (lua/wake.lua), so exit
 * rules and wait-for conditions are looked at again at once. Returns whether it was woken.
 */
export async function wake(redis: Redis, keys: Keys, scenario: string, id: string, at: Date, flags: EngagementFlag[] = []): Promise<boolean> {
  const nowS = Math.floor(at.getTime() / 1000);
  const minute = minuteOf(nowS);
  const woken = await runScript<number>(redis, 'wake', [keys.enrollments(scenario), keys.dueBucket(scenario, minute), keys.dueIndex(), keys.engagement(scenario)],
    [id, nowS, keys.dueMember(scenario, minute), minute * 60, ...flags.map(flagArg)]);
  return woken === 1;
}
