import type { Schedule } from '../schema/scenario.gen.js';
import { parseDateTime } from './parse.js';
import { DAY, HOUR, MINUTE, TimeZone, dayOf, isoDate, isoWeekday, type Wall } from './zone.js';

const DAY_NAMES = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const RANGE = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/;

/** How far `nextOpen` looks: beyond a year of closed days the schedule is treated as never opening. */
export const MAX_DAYS_AHEAD = 400;

/**
 * When a scenario may send, from its `schedule` (none: UTC, every day, all day).
 *
 * - Days and hours are wall-clock times in the schedule's zone: "09:00-18:00" means 09:00 to 18:00
 *   on the local clock that day, whatever DST does. An instant is open when its local day is allowed
 *   and its local time is in a range (start included, end excluded; "24:00" ends at midnight).
 * - In a repeated hour (autumn) both instants showing 02:30 are open for "02:00-03:00"; a range that
 *   includes a skipped hour (spring) opens at the first instant that exists, 03:00 for "02:00-04:00".
 * - `start`/`end` are local date-times (a date alone is 00:00); nothing is open before `start`, nor
 *   at or after `end`. After `end`, `nextOpen` returns null: the scenario will never send again.
 * - `businessDays` removes Saturday and Sunday from `days`; `holidays` are closed all day.
 */
export class SendWindow {
  readonly zone: TimeZone;
  private readonly startMs: number | undefined;
  private readonly endMs: number | undefined;
  private readonly endWall: Wall;
  private readonly sendDays: ReadonlySet<number>;
  private readonly holidays: ReadonlySet<string>;
  /** Minutes since local midnight, [from, to), sorted. */
  private readonly ranges: ReadonlyArray<readonly [number, number]>;

  /** Throws a RangeError on an unknown zone or a malformed date or range (the validator refuses them). */
  constructor(schedule?: Schedule) {
    this.zone = TimeZone.of(schedule?.timezone ?? 'UTC');
    this.startMs = schedule?.start === undefined ? undefined : this.parse(schedule.start, 'start');
    this.endMs = schedule?.end === undefined ? undefined : this.parse(schedule.end, 'end');
    this.endWall = this.endMs === undefined ? Infinity : this.zone.toWall(this.endMs);
    const days = schedule?.days ?? DAY_NAMES;
    this.sendDays = new Set(
      days.map((d) => DAY_NAMES.indexOf(d) + 1).filter((n) => n > 0 && !(schedule?.businessDays && n > 5)),
    );
    this.holidays = new Set(schedule?.holidays ?? []);
    // An empty range ("12:00-09:00") is refused by the validator; here it just never opens.
    this.ranges = (schedule?.hours ?? ['00:00-24:00'])
      .map(parseRange)
      .filter(([from, to]) => from < to)
      .sort((a, b) => a[0] - b[0]);
  }

  get timezone(): string {
    return this.zone.name;
  }

  get start(): Date | undefined {
    return this.startMs === undefined ? undefined : new Date(this.startMs);
  }

  get end(): Date | undefined {
    return this.endMs === undefined ? undefined : new Date(this.endMs);
  }

  isOpen(instant: Date): boolean {
    return this.openAt(instant.getTime());
  }

  /**
   * `instant` itself when open, else the start of the next allowed slot; null when nothing opens
   * any more (past `end`, or no open slot within MAX_DAYS_AHEAD days).
   */
  nextOpen(instant: Date): Date | null {
    const from = Math.max(instant.getTime(), this.startMs ?? -Infinity);
    if (this.endMs !== undefined && from >= this.endMs) return null;
    if (this.openAt(from)) return new Date(from);
    const firstDay = dayOf(this.zone.toWall(from));
    for (let i = 0; i <= MAX_DAYS_AHEAD; i++) {
      const day = firstDay + i * DAY;
      if (day > this.endWall) return null;
      if (!this.isSendDay(day)) continue;
      let best: number | undefined;
      for (const ms of this.slotStarts(day)) {
        if (ms > from && (best === undefined || ms < best) && this.openAt(ms)) best = ms;
      }
      if (best !== undefined) return new Date(best);
    }
    return null;
  }

  /**
   * Business days, for `business days` in waits and task due dates: Monday to Friday minus the
   * schedule's holidays, whatever `days` says (a "Tue/Thu only" schedule still has 5 business days a week).
   */
  isBusinessDay(instant: Date): boolean {
    return this.isBusinessWallDay(dayOf(this.zone.toWall(instant.getTime())));
  }

  /** Same rule as `isBusinessDay`, for a local midnight. */
  isBusinessWallDay(day: Wall): boolean {
    return isoWeekday(day) <= 5 && !this.holidays.has(isoDate(day));
  }

  private openAt(ms: number): boolean {
    if (this.startMs !== undefined && ms < this.startMs) return false;
    if (this.endMs !== undefined && ms >= this.endMs) return false;
    const wall = this.zone.toWall(ms);
    const day = dayOf(wall);
    if (!this.isSendDay(day)) return false;
    const minute = Math.floor((wall - day) / MINUTE);
    return this.ranges.some(([lo, hi]) => lo <= minute && minute < hi);
  }

  private isSendDay(day: Wall): boolean {
    return this.sendDays.has(isoWeekday(day)) && !this.holidays.has(isoDate(day));
  }

  /**
   * Where an open stretch can begin on that local day: each occurrence of a range's start, plus a
   * DST change, which can move the clock into a range without passing its start (to 03:00 after a
   * skipped 02:00, or back to 02:00 in a repeated hour). Callers keep the open ones.
   */
  private slotStarts(day: Wall): number[] {
    const starts = this.ranges.flatMap(([from]) => this.zone.occurrences(day + from * MINUTE));
    // Instants showing this day lie within [day - 14 h, day + 24 h + 12 h] whatever the offset.
    const jump = this.zone.transition(day - 14 * HOUR, day + DAY + 12 * HOUR);
    if (jump !== undefined && dayOf(this.zone.toWall(jump)) === day) starts.push(jump);
    return starts;
  }

  private parse(text: string, what: string): number {
    const ms = parseDateTime(text, this.zone);
    if (ms === undefined) throw new RangeError(`schedule ${what}: ${JSON.stringify(text)} is not a date`);
    return ms;
  }
}

function parseRange(text: string): [number, number] {
  const m = RANGE.exec(text);
  const [h1, m1, h2, m2] = [1, 2, 3, 4].map((i) => Number(m?.[i]));
  if (!m || h1! > 23 || m1! > 59 || h2! > 24 || m2! > 59 || (h2 === 24 && m2 !== 0)) {
    throw new RangeError(`schedule hours: ${JSON.stringify(text)} is not a range like "09:00-18:00"`);
  }
  return [h1! * 60 + m1!, h2! * 60 + m2!];
}
