import type { Redis } from 'ioredis';
import { quotaSlot } from '../policy/quota.js';
import type { EmailStep, Scenario } from '../schema/scenario.gen.js';
import type { Keys } from '../state/keys.js';
import { runScript } from '../state/scripts.js';
import type { TimeZone } from '../time/zone.js';
import type { EffectOutcome } from './advance.js';

/**
 * A reservation older than this with no outcome means the worker died during the send
 * (RELANCE_IN_FLIGHT_SECONDS; longer than any SMTP timeout, so a live send is never mistaken).
 */
export const IN_FLIGHT_S = Number(process.env.RELANCE_IN_FLIGHT_SECONDS ?? 120);

/** Quota counters outlive their week by a day, for late readers. */
const QUOTA_TTL_S = 8 * 86400;

/**
 * The ledger's key for one send: contact, step, and when the contact's current position began.
 * A retried pass (a crash, a BullMQ retry) starts from the same position and finds the same key,
 * so it cannot send twice; a scenario that loops back to the email weeks later is a new visit.
 */
export function ledgerField(contactId: string, step: string, since: number): string {
  return `${contactId}|${step}|${since}`;
}

export interface SendRequest {
  contactId: string;
  email: string;
  step: EmailStep;
  /** The enrollment's `since`: which visit of the step this send is. */
  since: number;
  scenario: Scenario;
  zone: TimeZone;
}

/**
 * Reserves sends before they go out (lua/reserve-sends.lua): at most once per visit of a step,
 * never to a suppressed address, never over the weekly quota, atomically across every worker.
 * Returns, per request, 'ok' (reserved: send it now) or the outcome that stands instead.
 */
export async function reserveSends(redis: Redis, keys: Keys, scenario: string, workerId: string, nowMs: number, sends: SendRequest[]): Promise<Array<'ok' | EffectOutcome>> {
  if (sends.length === 0) return [];
  const quotaKeys: string[] = [];
  const args: Array<string | number> = [];
  for (const send of sends) {
    const slot = quotaSlot(send.scenario, send.step, send.email, nowMs, send.zone);
    const key = keys.quota(slot.sender, slot.provider, new Date(slot.week).toISOString().slice(0, 10));
    let index = quotaKeys.indexOf(key);
    if (index < 0) index = quotaKeys.push(key) - 1;
    args.push(ledgerField(send.contactId, send.step.id, send.since), send.email, index + 3, slot.limit);
  }
  const words = await runScript<string[]>(redis, 'reserve-sends', [keys.ledger(scenario), keys.suppressed(), ...quotaKeys], [workerId, Math.floor(nowMs / 1000), QUOTA_TTL_S, IN_FLIGHT_S, ...args]);
  return words.map((word): 'ok' | EffectOutcome => {
    switch (word) {
      case 'ok': return 'ok';
      case 'sent': return { kind: 'sent-before' };
      case 'pending': return { kind: 'unknown' };
      case 'busy': return { kind: 'busy' };
      case 'suppressed': return { kind: 'suppressed' };
      case 'quota': return { kind: 'quota' };
      // An address refused earlier for this step is never tried again.
      default: return { kind: 'rejected', error: 'an earlier attempt of this send was refused' };
    }
  });
}
