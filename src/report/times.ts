import { UsageError } from '../errors.js';
import { parseDateTime } from '../time/parse.js';
import { isoDate, TimeZone } from '../time/zone.js';

const UTC_NAMES = /^(Etc\/)?(UTC|GMT|Universal|Zulu)$/i;
/** Zone offsets change on quarter hours at the finest: one offset looked up per quarter hour. */
const QUARTER_S = 900;
const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/**
 * Epoch seconds as ISO 8601 in the scenario's zone, `2026-06-01T10:00:00+02:00` (what luxon's
 * `toISO({ suppressMilliseconds: true })` writes), fast enough for a million rows: the zone's
 * offset (luxon, through time/zone.ts) is looked up once per quarter hour met, not per cell.
 */
export class ZoneClock {
  readonly zone: TimeZone;
  private readonly utc: boolean;
  /** Quarter hour (epoch seconds / 900) → the zone's offset then, in seconds. */
  private readonly offsets = new Map<number, number>();
  /** Offset in seconds → `+02:00`. */
  private readonly suffixes = new Map<number, string>();

  constructor(zoneName: string) {
    this.zone = TimeZone.of(zoneName);
    this.utc = UTC_NAMES.test(zoneName);
  }

  /** Day (of wall time, epoch days) → `2026-06-01T`. */
  private readonly days = new Map<number, string>();

  /** '' for 0 (no such time). */
  iso(epochSeconds: number): string {
    if (!epochSeconds) return '';
    const quarter = Math.floor(epochSeconds / QUARTER_S);
    let offset = this.offsets.get(quarter);
    if (offset === undefined) {
      if (this.offsets.size > 100_000) this.offsets.clear();
      offset = this.zone.offset(epochSeconds * 1000) / 1000;
      this.offsets.set(quarter, offset);
    }
    let suffix = this.suffixes.get(offset);
    if (suffix === undefined) this.suffixes.set(offset, (suffix = this.utc ? 'Z' : offsetText(offset * 1000)));
    // Calendar arithmetic on the wall time: a Date only once per day met.
    const wall = Math.floor(epochSeconds) + offset;
    const day = Math.floor(wall / 86_400);
    let date = this.days.get(day);
    if (date === undefined) {
      if (this.days.size > 100_000) this.days.clear();
      this.days.set(day, (date = new Date(day * 86_400_000).toISOString().slice(0, 11)));
    }
    const second = wall - day * 86_400;
    return date + TWO[Math.floor(second / 3600)]! + ':' + TWO[Math.floor(second / 60) % 60]! + ':' + TWO[second % 60]! + suffix;
  }

  /** The calendar date of an instant in the zone, `2026-06-01` (the report's file name). */
  date(at: Date): string {
    return isoDate(this.zone.toWall(at.getTime()));
  }
}

function offsetText(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  return `${ms < 0 ? '-' : '+'}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Which sends a report covers: sent at `from` or later and before `to` (epoch seconds; open ends when undefined). */
export interface ReportWindow {
  from?: number;
  to?: number;
}

export function inWindow(window: ReportWindow, epochSeconds: number): boolean {
  return (window.from === undefined || epochSeconds >= window.from) && (window.to === undefined || epochSeconds < window.to);
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * `--since` and `--until` in the scenario's zone: a date or a date and time (`2026-06-01`,
 * `2026-06-01T09:00`, or with an offset). A date alone for `--until` includes that whole day.
 */
export function reportWindow(options: { since?: string; until?: string }, zone: TimeZone): ReportWindow {
  const read = (flag: string, text: string): number => {
    const ms = parseDateTime(text, zone);
    if (ms === undefined) throw new UsageError(`${flag} ${JSON.stringify(text)}: not a date (use 2026-06-01 or 2026-06-01T09:00)`);
    return Math.floor(ms / 1000);
  };
  const window: ReportWindow = {};
  if (options.since !== undefined) window.from = read('--since', options.since);
  if (options.until !== undefined) {
    const day = DATE_ONLY.exec(options.until.trim());
    window.to = day ? read('--until', isoDate(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]) + 1))) : read('--until', options.until);
  }
  if (window.from !== undefined && window.to !== undefined && window.to <= window.from) throw new UsageError('--until must come after --since');
  return window;
}
