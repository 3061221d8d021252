import { IANAZone } from 'luxon';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/**
 * A wall-clock reading ("2026-03-29 02:30" in some zone) stored as the milliseconds the same
 * reading has in UTC. Calendar arithmetic on it is plain addition: no DST gets in the way.
 */
export type Wall = number;

const cache = new Map<string, TimeZone>();

/**
 * An IANA time zone, with the offsets taken from luxon (which reads the platform's tz database).
 * Assumes at most one offset change within any ~2-day span, true of every real zone.
 */
export class TimeZone {
  private readonly offsetMinutes: (ms: number) => number;

  private constructor(readonly name: string) {
    const zone = IANAZone.create(name);
    // UTC is the default zone: skip Intl for it, the engine converts a lot of instants.
    this.offsetMinutes = /^(Etc\/)?(UTC|GMT|Universal|Zulu)$/i.test(name) ? () => 0 : (ms) => zone.offset(ms);
  }

  /** Cached per name. Throws a RangeError on an unknown zone (the validator refuses those). */
  static of(name: string): TimeZone {
    let zone = cache.get(name);
    if (!zone) {
      if (!IANAZone.isValidZone(name)) throw new RangeError(`unknown time zone: ${JSON.stringify(name)}`);
      cache.set(name, (zone = new TimeZone(name)));
    }
    return zone;
  }

  /** Offset from UTC at that instant, in milliseconds. */
  offset(ms: number): number {
    return this.offsetMinutes(ms) * MINUTE;
  }

  toWall(ms: number): Wall {
    return ms + this.offset(ms);
  }

  /** The instants showing this wall time, earliest first: none in a skipped hour, two in a repeated one. */
  occurrences(wall: Wall): number[] {
    const found: number[] = [];
    for (const offset of this.offsetsAround(wall)) {
      const ms = wall - offset;
      if (this.offset(ms) === offset && !found.includes(ms)) found.push(ms);
    }
    return found.sort((a, b) => a - b);
  }

  /**
   * The first instant at which the clock reads `wall` or later. The one rule used everywhere a
   * wall time becomes an instant: a repeated time means its first occurrence, and a skipped time
   * means the moment the clocks jump (02:30 on a 02:00→03:00 night is 03:00).
   */
  resolve(wall: Wall): number {
    const first = this.occurrences(wall)[0];
    if (first !== undefined) return first;
    const offsets = this.offsetsAround(wall);
    const early = wall - Math.max(...offsets);
    const late = wall - Math.min(...offsets);
    return this.transition(early, late) ?? late;
  }

  /** The first instant in (from, to] whose offset differs from the one at `from`, if any. */
  transition(from: number, to: number): number | undefined {
    const before = this.offset(from);
    if (this.offset(to) === before) return undefined;
    let lo = from;
    let hi = to;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.offset(mid) === before) lo = mid;
      else hi = mid;
    }
    return hi;
  }

  /** Every offset an instant showing `wall` can have: offsets are within ±14 h, so ±1 day covers them. */
  private offsetsAround(wall: Wall): number[] {
    return [...new Set([this.offset(wall - DAY), this.offset(wall), this.offset(wall + DAY)])];
  }
}

/** Midnight of the wall time's day. */
export function dayOf(wall: Wall): Wall {
  return Math.floor(wall / DAY) * DAY;
}

/** 1 = Monday … 7 = Sunday, as in ISO 8601. */
export function isoWeekday(wall: Wall): number {
  return ((new Date(wall).getUTCDay() + 6) % 7) + 1;
}

/** `2026-03-29` */
export function isoDate(wall: Wall): string {
  return new Date(wall).toISOString().slice(0, 10);
}
