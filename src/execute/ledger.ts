import type { Redis } from 'ioredis';
import { normalizeEmail } from '../contacts/normalize.js';
import type { FinishSend } from '../enroll/send-steps.js';
import { quotaSlot } from '../policy/quota.js';
import type { EmailStep, Scenario } from '../schema/scenario.gen.js';
import { visitField } from '../state/enrollment.js';
import type { Keys } from '../state/keys.js';
import { runScript } from '../state/scripts.js';
import type { TimeZone } from '../time/zone.js';
import type { EffectOutcome } from './advance.js';

/**
 * A reservation with no outcome older than this is reported by `relance doctor`
 * (RELANCE_IN_FLIGHT_SECONDS; longer than any SMTP timeout, so a live send is never mistaken).
 */
export const IN_FLIGHT_S = Number(process.env.RELANCE_IN_FLIGHT_SECONDS ?? 120);

/**
 * A worker that has not said it is alive for this long is dead: its reservations never attempted
 * are taken over, its attempts are "outcome unknown" (RELANCE_WORKER_TIMEOUT_SECONDS).
 */
export const WORKER_TIMEOUT_S = Number(process.env.RELANCE_WORKER_TIMEOUT_SECONDS ?? 10);

/** Quota counters outlive their week by a day, for late readers. */
const QUOTA_TTL_S = 8 * 86400;

/**
 * The ledger's key for one send: contact, step, and when the contact's current position began.
 * A retried pass (a crash, a BullMQ retry) starts from the same position and finds the same key,
 * so it cannot send twice; a scenario that loops back to the email weeks later is a new visit.
 */
export const ledgerField = visitField;

export interface SendRequest {
  contactId: string;
  email: string;
  step: EmailStep;
  /** The enrollment's `since`: which visit of the step this send is. */
  since: number;
  scenario: Scenario;
  zone: TimeZone;
}

export interface Reservation {
  field: string;
  quotaKey: string;
}

/** Who reserves: this batch, and the batches its worker is running (see lua/reserve-sends.lua). */
export interface BatchOwner {
  /** `<worker id>/<batch>`. */
  token: string;
  running: readonly string[];
}

/**
 * Reserves sends before they go out (lua/reserve-sends.lua): at most once per visit of a step,
 * never to a suppressed address, never over the weekly quota, atomically across every worker.
 * Returns, per request, 'ok' with its reservation (send it now) or the outcome that stands instead.
 */
export async function reserveSends(redis: Redis, keys: Keys, scenario: string, owner: BatchOwner, nowMs: number, sends: SendRequest[]): Promise<Array<Reservation | EffectOutcome>> {
  if (sends.length === 0) return [];
  const quotaKeys: string[] = [];
  const args: Array<string | number> = [];
  const reservations: Reservation[] = [];
  for (const send of sends) {
    const slot = quotaSlot(send.scenario, send.step, send.email, nowMs, send.zone);
    const key = keys.quota(slot.sender, slot.provider, new Date(slot.week).toISOString().slice(0, 10));
    let index = quotaKeys.indexOf(key);
    if (index < 0) index = quotaKeys.push(key) - 1;
    const field = ledgerField(send.contactId, send.step.id, send.since);
    reservations.push({ field, quotaKey: key });
    args.push(field, send.email, index + 4, slot.limit);
  }
  const words = await runScript<string[]>(redis, 'reserve-sends', [keys.ledger(scenario), keys.suppressed(), keys.workers(), ...quotaKeys],
    [owner.token, Math.floor(nowMs / 1000), QUOTA_TTL_S, WORKER_TIMEOUT_S, owner.running.join(','), ...args]);
  return words.map((word, i): Reservation | EffectOutcome => {
    switch (word) {
      case 'ok': return reservations[i]!;
      case 'sent': return { kind: 'sent-before' };
      case 'bounced': return { kind: 'bounced', error: 'an earlier attempt of this send bounced' };
      case 'pending': return { kind: 'unknown' };
      case 'busy': return { kind: 'busy' };
      case 'suppressed': return { kind: 'suppressed' };
      case 'quota': return { kind: 'quota' };
      // An address refused earlier for this step is never tried again.
      default: return { kind: 'rejected', error: 'an earlier attempt of this send was refused' };
    }
  });
}

/**
 * The ledger record of a send's outcome, written the moment its transaction ends so that a crash
 * afterwards never turns a known outcome into an unknown one: sent, refused for good, or released
 * for a retry. A hard bounce suppresses the address in the same script, for every scenario.
 */
export function outcomeRecord(scenario: string, field: string, outcome: EffectOutcome, nowS: number, email: string): FinishSend | undefined {
  const value = ledgerValue(outcome, nowS);
  if (value === undefined) return undefined;
  const suppress = outcome.kind === 'bounced'
    ? { email: normalizeEmail(email), record: JSON.stringify({ reason: 'bounced', at: new Date(nowS * 1000).toISOString(), source: `smtp: ${outcome.error.slice(0, 200)}` }) }
    : undefined;
  return { scenario, ledgerField: field, value, suppress };
}

/** The ledger's value for a send's outcome (lua/reserve-sends.lua reads it back); '' clears it. */
export function ledgerValue(outcome: EffectOutcome, nowS: number): string | undefined {
  switch (outcome.kind) {
    case 'done': return `sent|${outcome.messageId ?? ''}|${nowS}`;
    case 'unknown': return `unknown|${nowS}`;
    case 'bounced': return `failed|bounced|${nowS}`;
    case 'rejected': return `failed|rejected|${nowS}`;
    case 'failed': return '';
    default: return undefined;
  }
}

/** The batches this process runs, per worker id: their reservations are theirs alone. */
const running = new Map<string, Set<string>>();
let batchSeq = 0;

/** This worker is alive, with the batches it runs (lua/heartbeat.lua, on Redis's clock), or leaves cleanly. */
export async function heartbeat(redis: Redis, keys: Keys, workerId: string, leave = false): Promise<void> {
  await runScript(redis, 'heartbeat', [keys.workers()], [workerId, leave ? 'leave' : 'beat', [...(running.get(workerId) ?? [])].join(',')]);
}

/**
 * Runs `fn` as one batch of this worker: listed in its heartbeat before it reserves anything, so
 * other workers leave its reservations alone, and unlisted when it ends, however it ends, so
 * that what it reserved and never attempted is free for whoever runs the contacts next.
 */
export async function asBatch<T>(redis: Redis, keys: Keys, workerId: string, fn: (owner: BatchOwner) => Promise<T>): Promise<T> {
  let mine = running.get(workerId);
  if (!mine) running.set(workerId, (mine = new Set()));
  const token = `${workerId}/${(++batchSeq).toString(36)}`;
  mine.add(token);
  try {
    await heartbeat(redis, keys, workerId);
    return await fn({ token, running: [...mine] });
  } finally {
    mine.delete(token);
    void heartbeat(redis, keys, workerId).catch(() => undefined);
  }
}
