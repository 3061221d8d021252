import { DAY, TimeZone, dayOf, isoWeekday, type Wall } from './zone.js';

/** Monday 00:00 local (the first instant of the week, should midnight be skipped by DST) for weekly quotas. */
export function weekStart(instant: Date, zone: string | TimeZone): Date {
  const tz = typeof zone === 'string' ? TimeZone.of(zone) : zone;
  return new Date(tz.resolve(monday(tz, instant)));
}

/** The following Monday 00:00 local: where a send deferred by a full quota goes. */
export function nextWeekStart(instant: Date, zone: string | TimeZone): Date {
  const tz = typeof zone === 'string' ? TimeZone.of(zone) : zone;
  return new Date(tz.resolve(monday(tz, instant) + 7 * DAY));
}

function monday(tz: TimeZone, instant: Date): Wall {
  const day = dayOf(tz.toWall(instant.getTime()));
  return day - (isoWeekday(day) - 1) * DAY;
}
