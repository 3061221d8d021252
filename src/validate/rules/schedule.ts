import { DateTime, IANAZone } from 'luxon';
import type { Rule } from '../rule-context.js';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'];

const zones = new Map<string, boolean>();

/** Cached: luxon's check builds an Intl formatter each time, and every scenario names a zone. */
export function isValidTimeZone(zone: string): boolean {
  let valid = zones.get(zone);
  if (valid === undefined) zones.set(zone, (valid = IANAZone.isValidZone(zone)));
  return valid;
}

const dates = new Map<string, boolean>();

/** Strict: 2026-02-30 is not a date, whatever Date.parse thinks. Cached: holiday lists repeat. */
function isRealDate(value: string): boolean {
  let valid = dates.get(value);
  if (valid === undefined) dates.set(value, (valid = DateTime.fromISO(value, { zone: 'UTC' }).isValid));
  return valid;
}

/** The schedule must leave at least one slot to send in, in a real time zone. */
export const scheduleSlots: Rule = ({ scenario, error, warn }) => {
  const schedule = scenario.spec.schedule;
  if (!schedule) return;
  if (schedule.timezone && !isValidTimeZone(schedule.timezone)) {
    error('/spec/schedule/timezone', 'bad-timezone', `"${schedule.timezone}" is not a time zone; use an IANA name such as Europe/Paris or America/New_York`);
  }
  let openRanges = 0;
  schedule.hours?.forEach((range, i) => {
    const [from, to] = range.split('-') as [string, string];
    if (from >= to) error(`/spec/schedule/hours/${i}`, 'empty-hours', `"${range}" is empty: the start must be before the end (ranges cannot cross midnight; split them in two)`);
    else openRanges++;
  });
  const days = schedule.days ?? ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
  const usable = schedule.businessDays ? days.filter((d) => WEEKDAYS.includes(d)) : days;
  const noDays = usable.length === 0;
  const noHours = schedule.hours !== undefined && openRanges === 0;
  if (noDays || noHours) {
    const why = noDays
      ? schedule.businessDays && days.length > 0 ? `\`businessDays\` excludes weekends and \`days\` only allows ${days.join(', ')}` : '`days` allows no day'
      : '`hours` allows no time of day';
    error(noDays ? '/spec/schedule/days' : '/spec/schedule/hours', 'no-send-slot', `this schedule never allows a send: ${why}`);
  }
  if (schedule.start && schedule.end && normalise(schedule.start) >= normalise(schedule.end)) {
    error('/spec/schedule/end', 'schedule-end-before-start', `the end (${schedule.end}) is not after the start (${schedule.start})`);
  }
  for (const [i, date] of (schedule.holidays ?? []).entries()) {
    if (!isRealDate(date)) error(`/spec/schedule/holidays/${i}`, 'bad-date', `"${date}" is not a date`);
  }
  for (const key of ['start', 'end'] as const) {
    const value = schedule[key];
    if (value && !isRealDate(value)) error(`/spec/schedule/${key}`, 'bad-date', `"${value}" is not a real date`);
  }
  if (schedule.businessDays && schedule.days?.some((d) => !WEEKDAYS.includes(d))) {
    warn('/spec/schedule/days', 'weekend-ignored', '`businessDays` skips weekends: the weekend days listed in `days` are ignored');
  }
};

function normalise(value: string): string {
  return value.length === 10 ? `${value}T00:00:00` : value.length === 16 ? `${value}:00` : value;
}
