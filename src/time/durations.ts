import { parseDuration, type Duration } from './duration.js';
import type { WaitStep } from '../schema/scenario.gen.js';
import { parseDateTime } from './parse.js';
import { MAX_DAYS_AHEAD, type SendWindow } from './window.js';
import { DAY, dayOf, type Wall } from './zone.js';

const ELAPSED_MS = { second: 1000, minute: 60_000, hour: 3_600_000 } as const;

/**
 * `instant` + `d`, in the window's time zone:
 * - seconds, minutes, hours are elapsed time (`2 hours` across a DST change is 2 real hours);
 * - days and weeks keep the local wall time (`3 days` across the spring change is 71 hours);
 * - business days keep the local wall time and count Monday–Friday minus the schedule's holidays,
 *   whatever `days` says (see SendWindow.isBusinessDay). A start on a non-business day counts from
 *   the next business day: Saturday 10:00 + 1 business day = Tuesday 10:00, leaving a full
 *   business day (Monday) in between, as for a task due "in 1 business day".
 * A wall time that does not exist that day (spring) becomes the moment the clocks jump; a repeated
 * one (autumn) its first occurrence. The result is not moved into the send window: sends do that.
 */
export function addDuration(instant: Date, d: Duration, window: SendWindow): Date {
  return shift(instant, d, window, 1);
}

/** `instant` − `d`, the mirror of addDuration (a non-business start counts from the previous business day). */
export function subtractDuration(instant: Date, d: Duration, window: SendWindow): Date {
  return shift(instant, d, window, -1);
}

function shift(instant: Date, d: Duration, window: SendWindow, sign: 1 | -1): Date {
  const ms = instant.getTime();
  if (d.amount === 0) return new Date(ms);
  switch (d.unit) {
    case 'second':
    case 'minute':
    case 'hour':
      return new Date(ms + sign * d.amount * ELAPSED_MS[d.unit]);
    case 'day':
    case 'week': {
      const days = d.unit === 'week' ? 7 * d.amount : d.amount;
      return new Date(window.zone.resolve(window.zone.toWall(ms) + sign * days * DAY));
    }
    case 'businessDay':
      return new Date(businessDays(ms, d.amount, window, sign));
  }
}

function businessDays(ms: number, amount: number, window: SendWindow, sign: 1 | -1): number {
  const wall = window.zone.toWall(ms);
  const timeOfDay = wall - dayOf(wall);
  let day: Wall = dayOf(wall);
  const step = (): void => {
    // Bounded: only a year of back-to-back holidays could exhaust it.
    for (let i = 0; i < MAX_DAYS_AHEAD; i++) {
      day += sign * DAY;
      if (window.isBusinessWallDay(day)) return;
    }
    throw new RangeError(`no business day within ${MAX_DAYS_AHEAD} days of ${new Date(ms).toISOString()}`);
  };
  if (!window.isBusinessWallDay(day)) step();
  for (let n = 0; n < amount; n++) step();
  return window.zone.resolve(day + timeOfDay);
}

export type WaitResult = Date | { error: string };

/**
 * When a `wait` step entered at `instant` ends:
 * - `for: 3 days` → addDuration;
 * - `until: 2026-12-01T09:00` → that local date-time in the scenario's zone (a date alone is 00:00);
 * - `until: { field, before | after }` → the contact field's date moved by the duration. The field
 *   holds an ISO date or date-time: with `Z` or an offset it is absolute, without one it is local to
 *   the scenario's zone, and a date alone is 00:00 local.
 * A target already past ends the wait now (`instant`). A missing or unparsable field, or a step the
 * validator should have refused, gives `{ error }`: the engine marks the enrollment `error` with it.
 */
export function resolveWait(
  step: WaitStep,
  instant: Date,
  contactField: (name: string) => unknown,
  window: SendWindow,
): WaitResult {
  let target: WaitResult;
  try {
    target = waitTarget(step, instant, contactField, window);
  } catch (e) {
    // Only a year of holidays makes business-day counting give up; the enrollment errors, the engine goes on.
    if (e instanceof RangeError) return { error: e.message };
    throw e;
  }
  if (!(target instanceof Date)) return target;
  return target.getTime() > instant.getTime() ? target : new Date(instant.getTime());
}

function waitTarget(step: WaitStep, instant: Date, contactField: (name: string) => unknown, window: SendWindow): WaitResult {
  if (step.for !== undefined && step.until !== undefined) return { error: `wait step "${step.id}" has both \`for\` and \`until\`` };
  if (step.for !== undefined) {
    const d = duration(step.for);
    return 'error' in d ? d : addDuration(instant, d, window);
  }
  if (typeof step.until === 'string') {
    const ms = parseDateTime(step.until, window.zone);
    return ms === undefined ? { error: `wait step "${step.id}": "${step.until}" is not a date` } : new Date(ms);
  }
  if (step.until === undefined) return { error: `wait step "${step.id}" needs \`for\` or \`until\`` };
  const { field, before, after } = step.until;
  if (before !== undefined && after !== undefined) return { error: `wait step "${step.id}": give \`before\` or \`after\`, not both` };
  const base = fieldDate(contactField(field), field, window);
  if (!(base instanceof Date)) return base;
  const offset = before ?? after;
  if (offset === undefined) return base;
  const d = duration(offset);
  if ('error' in d) return d;
  return before !== undefined ? subtractDuration(base, d, window) : addDuration(base, d, window);
}

function fieldDate(value: unknown, field: string, window: SendWindow): WaitResult {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    return { error: `contact field "${field}" is empty: cannot wait relative to it` };
  }
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? { error: `contact field "${field}" is not a valid date` } : value;
  }
  const ms = typeof value === 'string' ? parseDateTime(value, window.zone) : undefined;
  if (ms === undefined) return { error: `contact field "${field}" holds ${JSON.stringify(value)}, which is not a date (expected e.g. 2026-12-10 or 2026-12-10T18:00)` };
  return new Date(ms);
}

function duration(text: string): Duration | { error: string } {
  try {
    return parseDuration(text);
  } catch {
    return { error: `${JSON.stringify(text)} is not a duration` };
  }
}
