import type { StepGraph } from '../schema/compiled.js';
import { reactions, type EngagementRates, type SyntheticEvent } from '../synthetic/engagement.js';
import { addFlag } from '../conditions/contact-state.js';
import { settle, type EffectOutcome, type Settled } from '../execute/advance.js';
import { walk } from '../execute/walk.js';
import { deferredUntil, quotaSlot } from '../policy/quota.js';
import type { EmailStep, Outcome, Scenario } from '../schema/scenario.gen.js';
import type { Enrollment } from '../state/enrollment.js';
import { DAY, HOUR, dayOf, type Wall } from '../time/zone.js';
import { TimeQueue } from '../time/time-queue.js';
import type { SendWindow } from '../time/window.js';
import type { Forecast } from './forecast.js';
import type { SimContact } from './population.js';

type Entry = { at: number } & (
  | { kind: 'enter'; c: SimContact }
  | { kind: 'pass'; c: SimContact; token: number }
  | { kind: 'event'; c: SimContact; event: SyntheticEvent }
  | { kind: 'task'; c: SimContact; token: number }
);

/** At the same instant, events (replies, clicks, tasks done) come before passes, as in the engine. */
const RANK = { event: 0, task: 0, enter: 1, pass: 1 } as const;
const PER_MS = { second: 1000, minute: 60_000, hour: HOUR, day: DAY } as const;

export interface SimulationSetup {
  scenario: Scenario;
  graph: StepGraph;
  /** The scenario's send window, read through a zone tabulated for the simulated period. */
  window: SendWindow;
  rates: EngagementRates;
  rnd: () => number;
  /** How long a person takes to do a task step. */
  taskDelayMs: number;
  /** `schedule.end`: no entry from then on. */
  endBound: number | undefined;
}

/** What the run counted, for the forecast. */
export interface Tally {
  perDay: Map<Wall, number>;
  perStep: Map<string, number>;
  totalSends: number;
  firstSend: number | undefined;
  lastSend: number | undefined;
  entered: number;
  postponed: number;
  everBlocked: number;
  deferred: Forecast['deferred'];
  effects: Forecast['effects'];
  engagement: Forecast['engagement'];
}

/**
 * The discrete-event run behind `relance simulate`: a time queue of entries, passes (one `walk`
 * each), engagement events and tasks done, processed in time order with the engine's rules.
 */
export class Simulation {
  readonly tally: Tally = {
    perDay: new Map(), perStep: new Map(), totalSends: 0, firstSend: undefined, lastSend: undefined,
    entered: 0, postponed: 0, everBlocked: 0,
    deferred: { quota: 0, window: 0, quotaByProvider: {} },
    effects: { webhooks: 0, tasks: 0 },
    engagement: { opened: 0, clicked: 0, replied: 0, formSubmitted: 0, unsubscribed: 0, statusChanged: 0 },
  };
  private readonly queue = new TimeQueue<Entry>();
  private readonly quotaUsed = new Map<string, number>();
  private readonly entriesPerDay = new Map<Wall, number>();
  private readonly rateWindows = new Map<number, number>();
  private readonly blocked: SimContact[] = [];
  private blockedHead = 0;
  private active = 0;
  private readonly cap: number;
  private readonly maxPerDay: number;
  private readonly rateLimit: { max: number; per: keyof typeof PER_MS } | undefined;
  /** Deferred contacts come back in waves at the same instant: the last answer of nextOpen. */
  private openMemo: { at: number; open: number | undefined } = { at: NaN, open: undefined };

  constructor(private readonly setup: SimulationSetup) {
    const { spec } = setup.scenario;
    const trigger = spec.entry.lists ? undefined : spec.entry.triggers?.[0];
    this.cap = spec.limits?.maxActive ?? 0;
    this.maxPerDay = spec.limits?.maxEntriesPerDay ?? 0;
    this.rateLimit = trigger ? trigger.rateLimit ?? (trigger.on === 'api' ? { max: 30, per: 'minute' } : undefined) : undefined;
  }

  arrive(c: SimContact, at: number): void {
    this.push({ kind: 'enter', c, at });
  }

  /** Processes everything due up to `horizon`, in time order. */
  run(horizon: number): void {
    while ((this.queue.peekTime() ?? Infinity) <= horizon) {
      const e = this.queue.pop()!;
      const now = e.at;
      switch (e.kind) {
        case 'enter':
          this.enter(e.c, now);
          break;
        case 'pass':
          if (e.token === e.c.token && (e.c.status === 'waiting' || e.c.status === 'deferred')) this.pass(e.c, now);
          break;
        case 'task':
          if (e.token === e.c.token && e.c.status === 'task') this.taskDone(e.c, now);
          break;
        case 'event':
          this.record(e.c, e.event);
          // Like the engine's wake: a waiting contact is looked at again now (exit rules, wait-for).
          if (e.c.status === 'waiting' || e.c.status === 'deferred') this.schedulePass(e.c, now);
          break;
      }
    }
  }

  private push(e: Entry): void {
    this.queue.push(e.at, RANK[e.kind], e);
  }

  private schedulePass(c: SimContact, at: number): void {
    c.token++;
    this.push({ kind: 'pass', c, token: c.token, at });
  }

  private get zone() {
    return this.setup.window.zone;
  }

  private enter(c: SimContact, now: number): void {
    const { endBound } = this.setup;
    if (endBound !== undefined && now >= endBound) { c.status = 'refused'; c.refusal = 'scheduleEnded'; return; }
    if (this.rateLimit) {
      const slot = Math.floor(now / PER_MS[this.rateLimit.per]);
      const count = (this.rateWindows.get(slot) ?? 0) + 1;
      this.rateWindows.set(slot, count);
      if (count > this.rateLimit.max) { c.status = 'refused'; c.refusal = 'rateLimit'; return; }
    }
    if (this.maxPerDay > 0) {
      const day = dayOf(this.zone.toWall(now));
      const count = this.entriesPerDay.get(day) ?? 0;
      if (count >= this.maxPerDay) {
        if (!c.postponed) { c.postponed = true; this.tally.postponed++; }
        this.push({ kind: 'enter', c, at: this.zone.resolve(day + DAY) });
        return;
      }
      this.entriesPerDay.set(day, count + 1);
    }
    this.tally.entered++;
    if (this.cap > 0 && this.active >= this.cap) {
      c.status = 'blocked';
      this.blocked.push(c);
      this.tally.everBlocked++;
      return;
    }
    this.admit(c, now);
  }

  private admit(c: SimContact, now: number): void {
    this.active++;
    c.status = 'waiting';
    c.step = this.setup.graph.entry;
    c.since = now;
    this.schedulePass(c, now);
  }

  private end(c: SimContact, status: 'finished' | 'replied' | 'error', now: number, outcome?: Outcome, reason?: string): void {
    c.status = status;
    c.outcome = outcome;
    c.reason = reason;
    c.token++;
    this.active--;
    // limits.maxActive: a place is free, the longest-blocked contact enters.
    if (this.blockedHead < this.blocked.length) this.admit(this.blocked[this.blockedHead++]!, now);
  }

  /** Where the step machine put the contact, applied to the simulated one (as the engine commits it). */
  private move(c: SimContact, s: Settled, now: number): void {
    c.step = s.next.step;
    c.since = s.next.since * 1000;
    const status = s.next.status;
    if (status === 'finished' || status === 'replied' || status === 'error') return this.end(c, status, now, s.outcome, s.reason);
    c.status = status === 'deferred' ? 'deferred' : 'waiting';
    this.schedulePass(c, s.requeueAt !== undefined ? s.requeueAt * 1000 : Math.max(s.next.due * 1000, now));
  }

  /** The quota counter a send uses (the engine's policy), as a map key. */
  private quotaOf(c: SimContact, step: EmailStep, now: number): { key: string; limit: number } {
    const slot = quotaSlot(this.setup.scenario, step, c.state.email, now, this.zone);
    return { key: `${slot.sender}|${slot.provider}|${slot.week}`, limit: slot.limit };
  }

  private send(c: SimContact, step: EmailStep, now: number): boolean {
    const { tally } = this;
    const day = dayOf(this.zone.toWall(now));
    const { key, limit } = this.quotaOf(c, step, now);
    const used = this.quotaUsed.get(key) ?? 0;
    if (used >= limit) {
      if (!c.quotaMarked) {
        c.quotaMarked = true;
        tally.deferred.quota++;
        tally.deferred.quotaByProvider[c.provider] = (tally.deferred.quotaByProvider[c.provider] ?? 0) + 1;
      }
      return false;
    }
    this.quotaUsed.set(key, used + 1);
    tally.totalSends++;
    tally.perDay.set(day, (tally.perDay.get(day) ?? 0) + 1);
    tally.perStep.set(step.id, (tally.perStep.get(step.id) ?? 0) + 1);
    tally.firstSend ??= now;
    tally.lastSend = now;
    c.quotaMarked = false;
    c.windowMarked = false;
    const { rates, rnd, scenario } = this.setup;
    for (const event of reactions(rates, rnd, { at: now, email: c.state.email, scenario: scenario.metadata.name, scenarioSpec: scenario, step })) {
      this.push({ kind: 'event', c, event, at: event.at });
    }
    return true;
  }

  /** One pass of the engine's step machine: walk, perform the effect in the model, settle. */
  private pass(c: SimContact, now: number): void {
    if (c.status === 'deferred' && !c.dirty && this.stillDeferred(c, now)) return;
    c.dirty = false;
    const { graph, scenario, window } = this.setup;
    const r = walk({ graph, scenario, contact: c.state, step: c.step, since: c.since, now, window });
    if (r.fields) applyFields(c.state.fields, r.fields);
    const effect = r.effect;
    let outcome: EffectOutcome | undefined;
    if (effect?.kind === 'email') {
      // Over quota: deferred to the next week start, never dropped (000).
      outcome = this.send(c, effect.step, now) ? { kind: 'done' } : { kind: 'quota' };
      // Sent: later steps may test it (the walk only assumed it for the steps after it).
      if (outcome.kind === 'done') addFlag(c.state.engagement, 'received', effect.step.id);
    } else if (effect?.kind === 'webhook') {
      // The simulation assumes the webhook answers.
      this.tally.effects.webhooks++;
      outcome = { kind: 'done' };
    } else if (effect?.kind === 'task') {
      // Parked until a person marks the task done (not woken by events, as in the engine).
      this.tally.effects.tasks++;
      c.step = r.step;
      if (r.passed.length > 0) c.since = now;
      c.status = 'task';
      c.token++;
      this.push({ kind: 'task', c, token: c.token, at: now + this.setup.taskDelayMs });
      return;
    } else if (r.status === 'waiting' && r.due > now && !c.windowMarked && !c.quotaMarked && graph.steps[r.step]?.step.type === 'email') {
      // Reached an email outside the send window: it waits for the next allowed slot.
      c.windowMarked = true;
      this.tally.deferred.window++;
    }
    const position: Enrollment = { version: '', step: c.step, status: c.status === 'deferred' ? 'deferred' : 'waiting', since: Math.floor(c.since / 1000), due: 0, attempts: 0 };
    this.move(c, settle(position, r, outcome, now, this.zone), now);
  }

  /**
   * A shortcut for a contact refused by a quota, with no event since: walking it again would only
   * reach the same email (exit rules and conditions read nothing that changed), so when the window
   * is closed it waits for the next slot, and when this week's quota is still used up it is deferred
   * again, exactly as the walk and the quota check would decide. Otherwise it is walked.
   */
  private stillDeferred(c: SimContact, now: number): boolean {
    const step = this.setup.graph.steps[c.step]?.step;
    if (step?.type !== 'email') return false;
    if (now !== this.openMemo.at) this.openMemo = { at: now, open: this.setup.window.nextOpen(new Date(now))?.getTime() };
    const open = this.openMemo.open;
    if (open === undefined) return false;
    if (open > now) { this.schedulePass(c, open); return true; }
    const quota = this.quotaOf(c, step, now);
    if ((this.quotaUsed.get(quota.key) ?? 0) < quota.limit) return false;
    this.schedulePass(c, deferredUntil(now, this.zone));
    return true;
  }

  private taskDone(c: SimContact, now: number): void {
    const next = this.setup.graph.steps[c.step]?.edges[0]?.to ?? null;
    if (next === null) return this.end(c, 'finished', now, 'end');
    c.step = next;
    c.since = now;
    c.status = 'waiting';
    this.schedulePass(c, now);
  }

  private record(c: SimContact, event: SyntheticEvent): void {
    const { engagement } = this.tally;
    c.dirty = true;
    if (event.kind === 'field') {
      c.state.fields[event.field] = event.value;
      engagement.statusChanged++;
    } else {
      const e = c.state.engagement;
      switch (event.type) {
        case 'opened': addFlag(e, 'opened', event.step); engagement.opened++; break;
        case 'clicked': addFlag(e, 'clicked', event.step); engagement.clicked++; break;
        case 'replied': addFlag(e, 'replied', event.step); engagement.replied++; break;
        case 'form-submitted': e.f = 1; engagement.formSubmitted++; break;
        case 'unsubscribed': c.state.suppressed = true; engagement.unsubscribed++; break;
        default: break;
      }
    }
  }
}

function applyFields(fields: Record<string, unknown>, changes: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete fields[k];
    else fields[k] = v;
  }
}
