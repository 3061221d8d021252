import type { EngagementRates } from '../synthetic/engagement.js';
import type { Provider } from '../quotas/providers.js';
import type { Outcome } from '../schema/scenario.gen.js';
import { dayOf, isoWeekday, type TimeZone } from '../time/zone.js';
import type { SimContact } from './population.js';

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

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

export function instant(ms: number, zone: TimeZone): Instant {
  const wall = zone.toWall(ms);
  return { at: new Date(ms).toISOString(), local: new Date(wall).toISOString().slice(0, 16).replace('T', ' '), weekday: WEEKDAYS[isoWeekday(dayOf(wall)) - 1]! };
}

/** Where every contact is at the horizon. */
export function tallyOutcomes(contacts: readonly SimContact[]): Forecast['outcomes'] {
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
  return outcomes;
}
