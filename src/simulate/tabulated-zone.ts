import { MAX_DAYS_AHEAD, type SendWindow } from '../time/window.js';
import { DAY, HOUR, type TimeZone, type Wall } from '../time/zone.js';

const SAMPLE = 6 * HOUR;

/**
 * The same SendWindow, whose time zone answers `offset` from a table built once for the simulated
 * span instead of asking luxon (Intl) each time: the window, wait and week code that runs is the
 * engine's own, unchanged, only faster (luxon's offset dominates a large simulation otherwise).
 *
 * The table samples the real offset every 6 hours and pins each change to the millisecond with
 * the zone's own `transition`; real zones change offset months apart, never twice in 6 hours.
 * Instants outside the span (a wait until a far date) ask the real zone.
 */
export function tabulatedWindow(window: SendWindow, fromMs: number, toMs: number): SendWindow {
  const zone = tabulatedZone(window.zone, fromMs - 3 * DAY, toMs + (MAX_DAYS_AHEAD + 30) * DAY);
  return Object.create(window, {
    zone: { value: zone, enumerable: true },
    // Whether a local day is a send day / a business day depends on the day alone: ask once per day
    // (the holiday check formats a date each time). Methods missing here are simply not cached.
    isSendDay: { value: perDay(window, 'isSendDay') },
    isBusinessWallDay: { value: perDay(window, 'isBusinessWallDay') },
  }) as SendWindow;
}

function perDay(window: SendWindow, method: string): ((day: Wall) => boolean) | undefined {
  const real = (window as unknown as Record<string, unknown>)[method];
  if (typeof real !== 'function') return undefined;
  const cache = new Map<Wall, boolean>();
  return function (this: SendWindow, day: Wall): boolean {
    let answer = cache.get(day);
    if (answer === undefined) cache.set(day, (answer = (real as (d: Wall) => boolean).call(this, day)));
    return answer;
  };
}

export function tabulatedZone(real: TimeZone, from: number, to: number): TimeZone {
  const starts: number[] = [from];
  const offsets: number[] = [real.offset(from)];
  for (let prev = from; prev < to;) {
    const t = Math.min(prev + SAMPLE, to);
    const offset = real.offset(t);
    if (offset !== offsets[offsets.length - 1]) {
      starts.push(real.transition(prev, t) ?? t);
      offsets.push(offset);
    }
    prev = t;
  }
  const offset = (ms: number): number => {
    if (ms < from || ms > to) return real.offset(ms);
    let i = starts.length - 1;
    while (starts[i]! > ms) i--;
    return offsets[i]!;
  };
  // Every TimeZone method reads offsets through `this.offset`: override it on a child object.
  return Object.create(real, { offset: { value: offset } }) as TimeZone;
}
