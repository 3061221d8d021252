import type { EngagementFlag } from '../enroll/wake.js';
import { deferredUntil } from '../policy/quota.js';
import { dueSeconds } from '../policy/due.js';
import { retryDelay } from '../policy/retry.js';
import type { Outcome } from '../schema/scenario.gen.js';
import type { Enrollment } from '../state/enrollment.js';
import type { EnrollmentStatus } from '../state/scenario-store.js';
import type { TimeZone } from '../time/zone.js';
import type { WalkResult } from './walk.js';

/**
 * What became of the effect a pass asked for (an email, a webhook): the engine learns it from the
 * ledger and the transport, `simulate` from its own model, a test says it outright.
 */
export type EffectOutcome =
  | { kind: 'done'; messageId?: string } // sent now, or the webhook answered
  | { kind: 'sent-before' } // the ledger already has this send: a retried pass
  | { kind: 'unknown' } // reserved long ago and never finished: may have gone out, never sent again
  | { kind: 'busy' } // another worker is sending it right now
  | { kind: 'withdrawn' } // never started: the scenario was paused or the contact changed meanwhile
  | { kind: 'suppressed' }
  | { kind: 'quota' }
  | { kind: 'bounced'; error: string } // 5xx on the address
  | { kind: 'rejected'; error: string } // a permanent refusal of this message
  | { kind: 'failed'; error: string }; // 4xx, a timeout, a webhook error: retried later

/** Where the contact is after the pass, and what the engine records with the move. */
export interface Settled {
  /** The enrollment after the pass; the input one when nothing changed. */
  next: Enrollment;
  /** Look at the contact again then (epoch seconds), `next` unchanged. */
  requeueAt?: number;
  flags: EngagementFlag[];
  fields?: Record<string, unknown>;
  /** Steps that counted as went-through. */
  passed: string[];
  /** Why the run ended (replied, unsubscribed, an exit rule, an error's message). */
  reason?: string;
  outcome?: Outcome;
  /** What the send ledger records for this visit's email: sent, refused, outcome unknown, or cleared for a retry. */
  ledger?: 'sent' | 'bounced' | 'rejected' | 'unknown' | 'clear';
}

/**
 * The step machine's second half: given a pass (`walk`) and what became of its effect, where the
 * enrollment goes. Pure. The rules live here once: due times in whole minutes, the hand-over after
 * an email, quota deferral and retry back-off (policy/), a busy send looked at again next minute.
 */
export function settle(enrollment: Enrollment, pass: WalkResult, outcome: EffectOutcome | undefined, now: number, zone: TimeZone): Settled {
  const nowS = Math.floor(now / 1000);
  const e = enrollment;
  const effect = pass.effect && pass.effect.kind !== 'task' ? pass.effect : undefined;
  const email = effect?.kind === 'email' ? effect.step : undefined;
  let to = { step: pass.step, status: pass.status as EnrollmentStatus, due: dueSeconds(pass.due), attempts: 0, outcome: pass.outcome, reason: pass.reason };
  const flags: EngagementFlag[] = [];
  let ledger: Settled['ledger'];
  let reason: string | undefined;
  if (effect) {
    const o = outcome ?? { kind: 'failed', error: 'no outcome' };
    if (o.kind === 'done' || o.kind === 'sent-before' || o.kind === 'unknown') {
      // Went out (now, before a crash, or possibly: outcome unknown, never sent again).
      const after = pass.after!;
      to = { step: after.step, status: after.status, due: dueSeconds(after.due), attempts: 0, outcome: after.outcome, reason: after.reason };
      if (email) flags.push({ kind: 'received', step: email.id });
      if (email && o.kind === 'done') ledger = 'sent';
      if (email && o.kind === 'unknown') ledger = 'unknown';
    } else if (o.kind === 'busy' || o.kind === 'withdrawn') {
      // Leave the enrollment exactly as it is (a new position would mean a new ledger key); a
      // contact whose enrollment changed is skipped by the commit, a paused scenario's waits.
      return { next: e, requeueAt: nowS + 60, flags, passed: [] };
    } else if (o.kind === 'suppressed') {
      to = { ...to, status: 'finished', due: 0, outcome: undefined, reason: undefined };
    } else if (o.kind === 'quota') {
      to = { ...to, status: 'deferred', due: Math.floor(deferredUntil(now, zone) / 1000), attempts: e.attempts };
    } else if (o.kind === 'bounced') {
      if (email) flags.push({ kind: 'bounced', step: email.id });
      ledger = 'bounced';
      to = { ...to, status: 'finished', due: 0, outcome: undefined, reason: undefined };
    } else if (o.kind === 'rejected') {
      ledger = 'rejected';
      to = { ...to, status: 'error', due: 0, attempts: e.attempts };
      reason = o.error;
    } else {
      if (email) ledger = 'clear';
      const attempts = e.attempts + 1;
      const delay = retryDelay(effect.kind === 'webhook' ? { kind: 'webhook', retries: effect.step.retries } : { kind: 'email' }, attempts);
      to = delay === undefined ? { ...to, status: 'error', due: 0, attempts } : { ...to, status: 'waiting', due: nowS + delay, attempts };
      reason = o.error;
    }
  }
  // Waiting with nothing scheduled is the end of the road, except on a task (a person moves it on).
  const status: EnrollmentStatus = to.status === 'waiting' && to.due === 0 && pass.effect?.kind !== 'task' ? 'finished' : to.status;
  // Through-counts only count moves that happened: after a failed effect, only the steps before it.
  const passed = effect && to.step === pass.step ? pass.passed.slice(0, pass.beforeEffect) : pass.passed;
  // A contact that moved (even back to the step it was on, in a loop) starts a new visit.
  const next: Enrollment = { version: e.version, step: to.step, status, since: passed.length > 0 ? nowS : e.since, due: to.due, attempts: to.attempts };
  const unchanged = next.step === e.step && next.status === e.status && next.since === e.since && next.due === e.due && next.attempts === e.attempts;
  if (unchanged) {
    // Nothing changed (a wait not over yet): the sweep consumed its entry, so queue it again.
    const runnable = status === 'waiting' || status === 'running' || status === 'deferred';
    return { next: e, requeueAt: runnable && next.due > 0 ? Math.max(next.due, nowS + 60) : undefined, flags, passed: [], fields: pass.fields };
  }
  return {
    next, flags, passed, ledger,
    fields: pass.fields,
    reason: status === 'error' ? (reason ?? to.reason ?? 'unknown error') : status === 'finished' || status === 'replied' ? to.reason : undefined,
    outcome: status === 'finished' ? to.outcome ?? 'end' : undefined,
  };
}
