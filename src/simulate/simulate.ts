import type { StepGraph } from '../compile/graph.js';
import { DEFAULT_RATES, reactions, type EngagementRates, type SyntheticEvent } from '../demo/engagement.js';
import { seededRandom } from '../demo/random.js';
import { satisfy, syntheticContact } from '../demo/synthetic-contacts.js';
import { addFlag, type ContactState } from '../execute/contact-state.js';
import { walk, type WalkResult } from '../execute/walk.js';
import { PROVIDERS, providerOf, type Provider } from '../quotas/providers.js';
import type { EmailStep, Outcome, Scenario } from '../schema/scenario.gen.js';
import { parseDateTime } from '../time/parse.js';
import { SendWindow } from '../time/window.js';
import { DAY, HOUR, dayOf, isoDate, isoWeekday, type TimeZone, type Wall } from '../time/zone.js';
import { TimeQueue } from '../time/time-queue.js';
import { tabulatedWindow } from './tabulated-zone.js';

/**
 * `relance simulate`: a forecast of what a scenario would send — per day, per email, until when —
 * and where its contacts would end, without Redis and without sending anything.
 *
 * A discrete-event simulation in memory. It reuses what the engine runs: `walk` for the steps,
 * the scenario's SendWindow (days, hours, holidays; `start`/`end` only bound entry, as in the
 * engine), weekly quotas per (sender, provider, week) with a send over quota deferred to the next
 * week start, and the demo's synthetic contacts and engagement (`satisfy`, `reactions`).
 *
 * A priority queue of (time, contact) entries is processed in time order: entries into the
 * scenario, passes (one `walk` each; a contact's `since` is when it entered its current step),
 * engagement events (they set flags, suppress, and wake a waiting contact as the engine's wake
 * does) and tasks done by a person. Where the engine has no rule yet, the forecast follows the
 * SPEC: contacts over `limits.maxActive` enter as places free up, and `limits.maxEntriesPerDay`
 * postpones the rest of a day's entries to the next day. Webhooks are assumed to answer.
 */

export interface SimulateOptions {
  /** Synthetic contacts. */
  contacts: number;
  /** Days simulated from the first entry. */
  days: number;
  /** Contacts enter at max(schedule.start, start). */
  start: Date;
  /** Same seed, same forecast (default 42). */
  seed?: number;
  /** Engagement rates (fractions of emails sent); missing ones take the demo's defaults. */
  rates?: Partial<EngagementRates>;
  /**
   * Recipient domains and their weights; `*` stands for corporate domains (provider "others").
   * Default: DEFAULT_DOMAINS.
   */
  domains?: ReadonlyArray<readonly [domain: string, weight: number]>;
  /** How long a person takes to do a task step (default one day, as in the demo). */
  taskDelayMs?: number;
  /**
   * Trigger scenarios: entries spread at random over this many days from the start (default 7,
   * as in the demo). List scenarios: every member enters at the start.
   */
  arrivalDays?: number;
}

/** A realistic mix: 35% Gmail, 15% Outlook, 5% Yahoo, the rest on company domains. */
export const DEFAULT_DOMAINS: ReadonlyArray<readonly [string, number]> = [['gmail.com', 35], ['outlook.com', 15], ['yahoo.com', 5], ['*', 45]];

export interface Instant {
  /** ISO 8601, UTC. */
  at: string;
  /** `2026-03-24 09:00`, in the scenario's time zone. */
  local: string;
  weekday: string;
}

export interface Forecast {
  scenario: string;
  timezone: string;
  seed: number;
  contacts: number;
  days: number;
  /** The rates used: a click implies an open and a form a click, so open ≥ click, reply and click ≥ form. */
  rates: EngagementRates;
  /** First entry: max(schedule.start, --start). */
  start: Instant;
  /** The end of the simulation: start + days. */
  horizon: Instant;
  entry: {
    kind: 'lists' | 'triggers';
    /** Entries spread over this many days (0: all at the start). */
    arrivalDays: number;
    entered: number;
    /** Entries moved to a later day by `limits.maxEntriesPerDay`. */
    postponed: number;
    /** Contacts that waited as `blocked` because of `limits.maxActive`. */
    blocked: number;
  };
  /** Synthetic contacts per mailbox provider. */
  providers: Partial<Record<Provider, number>>;
  sends: {
    total: number;
    /** Days (scenario time zone) with at least one send, in order. */
    perDay: Array<{ date: string; weekday: string; sends: number }>;
    /** Every email step, in authoring order, with its sends (0: nobody got there). */
    perStep: Array<{ step: string; sends: number }>;
    first: Instant | null;
    last: Instant | null;
  };
  /** Sends that had to wait, counted once per send per reason. */
  deferred: { quota: number; window: number; quotaByProvider: Partial<Record<Provider, number>> };
  effects: { webhooks: number; tasks: number };
  /** Synthetic engagement that happened before the horizon. */
  engagement: { opened: number; clicked: number; replied: number; formSubmitted: number; unsubscribed: number; statusChanged: number };
  /** Where every contact is at the horizon; the counts add up to `contacts`. */
  outcomes: {
    finished: Record<Outcome, number>;
    replied: number;
    /** Still in progress at the horizon, by step (waiting, deferred, or on a task). */
    waiting: Record<string, number>;
    blocked: number;
    error: number;
    notEntered: { scheduleEnded: number; rateLimit: number; afterHorizon: number };
    /** Why finished contacts left, when a rule said so (unsubscribed, form submitted, …). */
    exitReasons: Record<string, number>;
    errors: Record<string, number>;
  };
}

type Status = 'pending' | 'blocked' | 'waiting' | 'deferred' | 'task' | 'finished' | 'replied' | 'error' | 'refused';

interface SimContact {
  state: ContactState;
  provider: Provider;
  step: string;
  status: Status;
  since: number;
  /** Bumped at each reschedule: queued passes with an older token are stale. */
  token: number;
  outcome?: Outcome;
  reason?: string;
  refusal?: 'scheduleEnded' | 'rateLimit';
  postponed: boolean;
  /** Something happened to the contact (an event) since its last walk. */
  dirty: boolean;
  /** The pending send was already counted as deferred by a quota / by the window. */
  quotaMarked: boolean;
  windowMarked: boolean;
}

type Entry = { at: number } & (
  | { kind: 'enter'; c: SimContact }
  | { kind: 'pass'; c: SimContact; token: number }
  | { kind: 'event'; c: SimContact; event: SyntheticEvent }
  | { kind: 'task'; c: SimContact; token: number }
);

/** At the same instant, events (replies, clicks, tasks done) come before passes, as in the engine. */
const RANK = { event: 0, task: 0, enter: 1, pass: 1 } as const;
/**
 * Engagement flags per step, as parseEngagement makes them but with fast properties: a record with
 * nothing inherited (a step named "constructor" is safe), cheaper for walk's checks on every step.
 */
const StepFlags = function StepFlags(this: object) {} as unknown as new () => Record<string, string>;
StepFlags.prototype = Object.create(null) as object;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
const PER_MS = { second: 1000, minute: 60_000, hour: HOUR, day: DAY } as const;

export function simulate(scenario: Scenario, graph: StepGraph, options: SimulateOptions): Forecast {
  const { spec } = scenario;
  const name = scenario.metadata.name;
  const seed = options.seed ?? 42;
  const rnd = seededRandom(seed);
  const rates = effectiveRates(options.rates);
  // Sends follow days, hours and holidays; `start`/`end` only bound entry (as in the engine).
  const realWindow = new SendWindow(spec.schedule ? { ...spec.schedule, start: undefined, end: undefined } : undefined);
  const zoneName = realWindow.zone.name;
  const startBound = spec.schedule?.start === undefined ? undefined : parseDateTime(spec.schedule.start, realWindow.zone);
  const endBound = spec.schedule?.end === undefined ? undefined : parseDateTime(spec.schedule.end, realWindow.zone);
  const startMs = Math.max(options.start.getTime(), startBound ?? -Infinity);
  // Days on the local calendar: a horizon across a DST change keeps the wall time.
  const horizon = realWindow.zone.resolve(realWindow.zone.toWall(startMs) + options.days * DAY);
  const window = tabulatedWindow(realWindow, startMs, horizon);
  const zone = window.zone;
  const trigger = spec.entry.lists ? undefined : spec.entry.triggers?.[0];
  const arrivalDays = trigger ? options.arrivalDays ?? 7 : 0;
  const taskDelay = options.taskDelayMs ?? DAY;

  const queue = new TimeQueue<Entry>();
  const push = (e: Entry): void => {
    queue.push(e.at, RANK[e.kind], e);
  };
  const schedulePass = (c: SimContact, at: number): void => {
    c.token++;
    push({ kind: 'pass', c, token: c.token, at });
  };

  // ── Synthetic contacts ────────────────────────────────────────────────────────────────────
  const { email: _email, ...segmentFields } = satisfy(spec.entry.lists ? spec.entry.segment : trigger?.when);
  const dateFields = relativeDateFields(graph);
  const pickDomain = domainPicker(options.domains ?? DEFAULT_DOMAINS, rnd);
  const providers: Partial<Record<Provider, number>> = {};
  const contacts: SimContact[] = [];
  for (let n = 1; n <= options.contacts; n++) {
    const fields = syntheticContact(n, pickDomain(n), rnd, { ...segmentFields });
    const arrival = arrivalDays > 0 ? startMs + Math.floor(rnd() * arrivalDays * DAY / 1000) * 1000 : startMs;
    // A wait relative to a contact date (an event's date) needs one: two to five weeks after entry.
    for (const field of dateFields) {
      if (fields[field] !== undefined) continue;
      const day = dayOf(zone.toWall(arrival)) + (14 + Math.floor(rnd() * 22)) * DAY;
      fields[field] = new Date(day + 18 * HOUR).toISOString().slice(0, 16);
    }
    const email = String(fields.email);
    const provider = providerOf(email);
    providers[provider] = (providers[provider] ?? 0) + 1;
    const c: SimContact = {
      state: { id: String(n), email, fields, engagement: { s: new StepFlags() }, suppressed: false },
      provider, step: graph.entry, status: 'pending', since: arrival, token: 0, postponed: false, dirty: false, quotaMarked: false, windowMarked: false,
    };
    contacts.push(c);
    push({ kind: 'enter', c, at: arrival });
  }

  // ── Counters ──────────────────────────────────────────────────────────────────────────────
  const perDay = new Map<Wall, number>();
  const perStep = new Map<string, number>();
  const quotaUsed = new Map<string, number>();
  const entriesPerDay = new Map<Wall, number>();
  const rateWindows = new Map<number, number>();
  const deferred: Forecast['deferred'] = { quota: 0, window: 0, quotaByProvider: {} };
  const effects = { webhooks: 0, tasks: 0 };
  const engagement: Forecast['engagement'] = { opened: 0, clicked: 0, replied: 0, formSubmitted: 0, unsubscribed: 0, statusChanged: 0 };
  let totalSends = 0;
  let firstSend: number | undefined;
  let lastSend: number | undefined;
  let entered = 0;
  let postponed = 0;
  let everBlocked = 0;
  let active = 0;
  const blocked: SimContact[] = [];
  let blockedHead = 0;
  const cap = spec.limits?.maxActive ?? 0;
  const maxPerDay = spec.limits?.maxEntriesPerDay ?? 0;
  const rateLimit = trigger ? trigger.rateLimit ?? (trigger.on === 'api' ? { max: 30, per: 'minute' as const } : undefined) : undefined;

  const admit = (c: SimContact, now: number): void => {
    active++;
    c.status = 'waiting';
    c.step = graph.entry;
    c.since = now;
    schedulePass(c, now);
  };

  const end = (c: SimContact, status: 'finished' | 'replied' | 'error', now: number, outcome?: Outcome, reason?: string): void => {
    c.status = status;
    c.outcome = outcome;
    c.reason = reason;
    c.token++;
    active--;
    // limits.maxActive: a place is free, the longest-blocked contact enters.
    if (blockedHead < blocked.length) admit(blocked[blockedHead++]!, now);
  };

  /** Where the contact goes after a pass (or after its effect), as the engine commits it. */
  const settle = (c: SimContact, status: WalkResult['status'], due: number, now: number, outcome?: Outcome, reason?: string): void => {
    if (status === 'waiting') {
      if (due === 0) return end(c, 'finished', now, outcome ?? 'end', reason);
      c.status = 'waiting';
      return schedulePass(c, Math.max(due, now));
    }
    end(c, status, now, status === 'finished' ? outcome ?? 'end' : outcome, reason);
  };

  const enter = (c: SimContact, now: number): void => {
    if (endBound !== undefined && now >= endBound) { c.status = 'refused'; c.refusal = 'scheduleEnded'; return; }
    if (rateLimit) {
      const slot = Math.floor(now / PER_MS[rateLimit.per]);
      const count = (rateWindows.get(slot) ?? 0) + 1;
      rateWindows.set(slot, count);
      if (count > rateLimit.max) { c.status = 'refused'; c.refusal = 'rateLimit'; return; }
    }
    if (maxPerDay > 0) {
      const day = dayOf(zone.toWall(now));
      const count = entriesPerDay.get(day) ?? 0;
      if (count >= maxPerDay) {
        if (!c.postponed) { c.postponed = true; postponed++; }
        push({ kind: 'enter', c, at: zone.resolve(day + DAY) });
        return;
      }
      entriesPerDay.set(day, count + 1);
    }
    entered++;
    if (cap > 0 && active >= cap) {
      c.status = 'blocked';
      blocked.push(c);
      everBlocked++;
      return;
    }
    admit(c, now);
  };

  /** The quota counter a send uses: per (sender, provider, week from Monday 00:00 local), as the engine. */
  const quotaKey = (c: SimContact, step: EmailStep, day: Wall): string => {
    const sender = step.from?.email ?? spec.sender?.email ?? 'unknown';
    return `${sender}|${c.provider}|${day - (isoWeekday(day) - 1) * DAY}`;
  };
  const quotaLimit = (provider: Provider): number => spec.quotas?.[provider] ?? PROVIDERS[provider].limit;

  const send = (c: SimContact, step: EmailStep, now: number): boolean => {
    const day = dayOf(zone.toWall(now));
    const key = quotaKey(c, step, day);
    const used = quotaUsed.get(key) ?? 0;
    if (used >= quotaLimit(c.provider)) {
      if (!c.quotaMarked) {
        c.quotaMarked = true;
        deferred.quota++;
        deferred.quotaByProvider[c.provider] = (deferred.quotaByProvider[c.provider] ?? 0) + 1;
      }
      return false;
    }
    quotaUsed.set(key, used + 1);
    totalSends++;
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
    perStep.set(step.id, (perStep.get(step.id) ?? 0) + 1);
    firstSend ??= now;
    lastSend = now;
    c.quotaMarked = false;
    c.windowMarked = false;
    for (const event of reactions(rates, rnd, { at: now, email: c.state.email, scenario: name, scenarioSpec: scenario, step })) {
      push({ kind: 'event', c, event, at: event.at });
    }
    return true;
  };

  /** The following Monday 00:00 local, as nextWeekStart (read through the tabulated zone). */
  const nextWeek = (now: number): number => {
    const day = dayOf(zone.toWall(now));
    return zone.resolve(day - (isoWeekday(day) - 1) * DAY + 7 * DAY);
  };

  const pass = (c: SimContact, now: number): void => {
    if (c.status === 'deferred' && !c.dirty && stillDeferred(c, now)) return;
    c.dirty = false;
    const r = walk(graph, scenario, c.state, c.step, c.since, now, window);
    if (r.fields) applyFields(c.state.fields, r.fields);
    const moved = r.passed.length > 0;
    const effect = r.effect;
    if (effect?.kind === 'email') {
      if (!send(c, effect.step, now)) {
        // Over quota: deferred to the next week start, never dropped (000).
        c.step = r.step;
        if (r.beforeEffect > 0) c.since = now;
        c.status = 'deferred';
        schedulePass(c, nextWeek(now));
        return;
      }
      const after = r.after!;
      c.step = after.step;
      c.since = now;
      return settle(c, after.status, after.due, now, after.outcome);
    }
    if (effect?.kind === 'webhook') {
      // The simulation assumes the webhook answers.
      effects.webhooks++;
      const after = r.after!;
      c.step = after.step;
      c.since = now;
      return settle(c, after.status, after.due, now, after.outcome);
    }
    if (effect?.kind === 'task') {
      // Parked until a person marks the task done (not woken by events, as in the engine).
      effects.tasks++;
      c.step = r.step;
      if (moved) c.since = now;
      c.status = 'task';
      c.token++;
      push({ kind: 'task', c, token: c.token, at: now + taskDelay });
      return;
    }
    if (moved) c.since = now;
    c.step = r.step;
    if (r.status === 'waiting' && r.due > now && !c.windowMarked && !c.quotaMarked && graph.steps[r.step]?.step.type === 'email') {
      // Reached an email outside the send window: it waits for the next allowed slot.
      c.windowMarked = true;
      deferred.window++;
    }
    settle(c, r.status, r.due, now, r.outcome, r.reason);
  };

  /**
   * A shortcut for a contact refused by a quota, with no event since: walking it again would only
   * reach the same email (exit rules and conditions read nothing that changed), so when the window
   * is closed it waits for the next slot, and when this week's quota is still used up it is deferred
   * again, exactly as the walk and the quota check would decide. Otherwise it is walked.
   */
  let openMemo: { at: number; open: number | undefined } = { at: NaN, open: undefined };
  const stillDeferred = (c: SimContact, now: number): boolean => {
    const step = graph.steps[c.step]?.step;
    if (step?.type !== 'email') return false;
    // Deferred contacts come back in waves at the same instant: remember the last answer.
    if (now !== openMemo.at) openMemo = { at: now, open: window.nextOpen(new Date(now))?.getTime() };
    const open = openMemo.open;
    if (open === undefined) return false;
    if (open > now) { schedulePass(c, open); return true; }
    if ((quotaUsed.get(quotaKey(c, step, dayOf(zone.toWall(now)))) ?? 0) < quotaLimit(c.provider)) return false;
    schedulePass(c, nextWeek(now));
    return true;
  };

  const taskDone = (c: SimContact, now: number): void => {
    const next = graph.steps[c.step]?.edges[0]?.to ?? null;
    if (next === null) return end(c, 'finished', now, 'end');
    c.step = next;
    c.since = now;
    c.status = 'waiting';
    schedulePass(c, now);
  };

  const record = (c: SimContact, event: SyntheticEvent): void => {
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
  };

  // ── The run ───────────────────────────────────────────────────────────────────────────────
  while ((queue.peekTime() ?? Infinity) <= horizon) {
    const e = queue.pop()!;
    const now = e.at;
    switch (e.kind) {
      case 'enter':
        enter(e.c, now);
        break;
      case 'pass':
        if (e.token === e.c.token && (e.c.status === 'waiting' || e.c.status === 'deferred')) pass(e.c, now);
        break;
      case 'task':
        if (e.token === e.c.token && e.c.status === 'task') taskDone(e.c, now);
        break;
      case 'event':
        record(e.c, e.event);
        // Like the engine's wake: a waiting contact is looked at again now (exit rules, wait-for).
        if (e.c.status === 'waiting' || e.c.status === 'deferred') schedulePass(e.c, now);
        break;
    }
  }

  // ── The forecast ──────────────────────────────────────────────────────────────────────────
  const outcomes: Forecast['outcomes'] = {
    finished: { success: 0, failure: 0, end: 0 }, replied: 0, waiting: {}, blocked: 0, error: 0,
    notEntered: { scheduleEnded: 0, rateLimit: 0, afterHorizon: 0 }, exitReasons: {}, errors: {},
  };
  for (const c of contacts) {
    switch (c.status) {
      case 'finished':
        outcomes.finished[c.outcome ?? 'end']++;
        if (c.reason) outcomes.exitReasons[c.reason] = (outcomes.exitReasons[c.reason] ?? 0) + 1;
        break;
      case 'replied': outcomes.replied++; break;
      case 'error':
        outcomes.error++;
        outcomes.errors[c.reason ?? 'unknown error'] = (outcomes.errors[c.reason ?? 'unknown error'] ?? 0) + 1;
        break;
      case 'waiting': case 'deferred': case 'task':
        outcomes.waiting[c.step] = (outcomes.waiting[c.step] ?? 0) + 1;
        break;
      case 'blocked': outcomes.blocked++; break;
      case 'refused': outcomes.notEntered[c.refusal ?? 'scheduleEnded']++; break;
      case 'pending': outcomes.notEntered.afterHorizon++; break;
    }
  }
  const emailSteps = graph.order.filter((id) => graph.steps[id]?.step.type === 'email');
  return {
    scenario: name,
    timezone: zoneName,
    seed,
    contacts: options.contacts,
    days: options.days,
    rates,
    start: instant(startMs, zone),
    horizon: instant(horizon, zone),
    entry: { kind: spec.entry.lists ? 'lists' : 'triggers', arrivalDays, entered, postponed, blocked: everBlocked },
    providers,
    sends: {
      total: totalSends,
      perDay: [...perDay.entries()].sort((a, b) => a[0] - b[0]).map(([day, sends]) => ({ date: isoDate(day), weekday: WEEKDAYS[isoWeekday(day) - 1]!, sends })),
      perStep: emailSteps.map((step) => ({ step, sends: perStep.get(step) ?? 0 })),
      first: firstSend === undefined ? null : instant(firstSend, zone),
      last: lastSend === undefined ? null : instant(lastSend, zone),
    },
    deferred,
    effects,
    engagement,
    outcomes,
  };
}

/** Rates as fractions of emails sent: a reply or a click implies an open, a form a click. */
function effectiveRates(given: Partial<EngagementRates> | undefined): EngagementRates {
  const r = { ...DEFAULT_RATES };
  for (const [k, v] of Object.entries(given ?? {}) as Array<[keyof EngagementRates, number | undefined]>) {
    if (v !== undefined && Number.isFinite(v)) r[k] = Math.min(1, Math.max(0, v));
  }
  r.click = Math.max(r.click, r.form);
  r.open = Math.max(r.open, r.click, r.reply);
  return r;
}

function applyFields(fields: Record<string, unknown>, changes: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) delete fields[k];
    else fields[k] = v;
  }
}

/** Contact fields that `wait … until: { field }` steps count from. */
function relativeDateFields(graph: StepGraph): string[] {
  const out = new Set<string>();
  for (const id of graph.order) {
    const step = graph.steps[id]?.step;
    if (step?.type === 'wait' && step.until !== undefined && typeof step.until === 'object') out.add(step.until.field);
  }
  return [...out];
}

function domainPicker(domains: ReadonlyArray<readonly [string, number]>, rnd: () => number): (n: number) => string {
  const total = domains.reduce((sum, [, w]) => sum + Math.max(0, w), 0);
  if (total <= 0) throw new RangeError('simulate: the domain weights add up to nothing');
  return (n) => {
    let x = rnd() * total;
    let domain = domains[domains.length - 1]![0];
    for (const [d, w] of domains) {
      x -= Math.max(0, w);
      if (x < 0) { domain = d; break; }
    }
    // Company domains: a few hundred companies, all on "other" mail providers.
    return domain === '*' ? `company-${(n * 7919) % 373}.example` : domain;
  };
}

function instant(ms: number, zone: TimeZone): Instant {
  const wall = zone.toWall(ms);
  return { at: new Date(ms).toISOString(), local: new Date(wall).toISOString().slice(0, 16).replace('T', ' '), weekday: WEEKDAYS[isoWeekday(dayOf(wall)) - 1]! };
}

