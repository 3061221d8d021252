import { describe, expect, it } from 'vitest';
import type { Schedule } from '../../../src/schema/scenario.gen.js';
import { SendWindow } from '../../../src/time/window.js';

const at = (text: string): Date => new Date(text);
const next = (w: SendWindow, text: string): string | undefined => w.nextOpen(at(text))?.toISOString();
const zoned = (timezone: string, hours: string[], extra: Partial<Schedule> = {}): SendWindow =>
  new SendWindow({ timezone, hours, ...extra });

describe('SendWindow across DST, Europe/Paris', () => {
  it('keeps wall-clock hours over the spring change', () => {
    const w = zoned('Europe/Paris', ['09:00-18:00'], { days: ['mon', 'tue', 'wed', 'thu', 'fri'] });
    // Saturday 2026-03-28 08:30 Paris (+01:00) → Monday 09:00 Paris (+02:00).
    expect(next(w, '2026-03-28T07:30:00Z')).toBe('2026-03-30T07:00:00.000Z');
    // The day before the change, 09:00 is 08:00Z.
    expect(next(w, '2026-03-27T06:00:00Z')).toBe('2026-03-27T08:00:00.000Z');
  });

  it('opens a range containing the skipped hour at the first existing instant', () => {
    const w = zoned('Europe/Paris', ['02:00-04:00']);
    expect(next(w, '2026-03-28T23:30:00Z')).toBe('2026-03-29T01:00:00.000Z'); // 03:00 CEST
    expect(w.isOpen(at('2026-03-29T00:59:59Z'))).toBe(false); // 01:59 CET
    expect(w.isOpen(at('2026-03-29T01:59:59Z'))).toBe(true); // 03:59 CEST
    expect(w.isOpen(at('2026-03-29T02:00:00Z'))).toBe(false); // 04:00 CEST
    expect(next(zoned('Europe/Paris', ['02:30-03:30']), '2026-03-28T23:30:00Z')).toBe('2026-03-29T01:00:00.000Z');
  });

  it('skips a range lying entirely in the skipped hour', () => {
    expect(next(zoned('Europe/Paris', ['02:15-02:45']), '2026-03-28T23:30:00Z')).toBe('2026-03-30T00:15:00.000Z');
  });

  it('opens both 02:30 instants of the repeated hour', () => {
    const w = zoned('Europe/Paris', ['02:00-03:00']);
    expect(w.isOpen(at('2026-10-25T00:30:00Z'))).toBe(true); // 02:30 CEST
    expect(w.isOpen(at('2026-10-25T01:30:00Z'))).toBe(true); // 02:30 CET
    expect(w.isOpen(at('2026-10-25T00:00:00Z'))).toBe(true); // 02:00 CEST
    expect(w.isOpen(at('2026-10-25T01:00:00Z'))).toBe(true); // 02:00 CET
    expect(w.isOpen(at('2026-10-24T23:59:59Z'))).toBe(false); // 01:59 CEST
    expect(w.isOpen(at('2026-10-25T02:00:00Z'))).toBe(false); // 03:00 CET
    expect(next(w, '2026-10-24T22:00:00Z')).toBe('2026-10-25T00:00:00.000Z'); // first 02:00
  });

  it('finds the second occurrence of a range start in the repeated hour', () => {
    // 02:50 CEST is past "02:30-02:45"; the clock shows 02:30 again 40 minutes later.
    expect(next(zoned('Europe/Paris', ['02:30-02:45']), '2026-10-25T00:50:00Z')).toBe('2026-10-25T01:30:00.000Z');
    // 02:40 CEST is past "01:00-02:30"; falling back to 02:00 CET re-enters it.
    expect(next(zoned('Europe/Paris', ['01:00-02:30']), '2026-10-25T00:40:00Z')).toBe('2026-10-25T01:00:00.000Z');
  });

  it('reads a start in the skipped hour as the moment the clocks jump', () => {
    expect(new SendWindow({ timezone: 'Europe/Paris', start: '2026-03-29T02:30' }).start?.toISOString()).toBe('2026-03-29T01:00:00.000Z');
  });
});

describe('SendWindow across DST, America/New_York', () => {
  it('keeps wall-clock hours over the spring change (2026-03-08)', () => {
    const w = zoned('America/New_York', ['09:00-18:00'], { businessDays: true });
    expect(next(w, '2026-03-07T00:00:00Z')).toBe('2026-03-09T13:00:00.000Z'); // Fri 19:00 EST → Mon 09:00 EDT
    expect(next(zoned('America/New_York', ['02:00-04:00']), '2026-03-08T05:00:00Z')).toBe('2026-03-08T07:00:00.000Z'); // 03:00 EDT
  });

  it('opens both 01:30 instants on 2026-11-01', () => {
    const w = zoned('America/New_York', ['01:00-02:00']);
    expect(w.isOpen(at('2026-11-01T05:30:00Z'))).toBe(true); // 01:30 EDT
    expect(w.isOpen(at('2026-11-01T06:30:00Z'))).toBe(true); // 01:30 EST
    expect(w.isOpen(at('2026-11-01T07:00:00Z'))).toBe(false); // 02:00 EST
    expect(next(w, '2026-11-01T07:00:00Z')).toBe('2026-11-02T06:00:00.000Z'); // next day 01:00 EST
  });
});

describe('SendWindow when midnight is skipped', () => {
  it('starts the day at the first existing instant (America/Santiago, 2026-09-06)', () => {
    const w = zoned('America/Santiago', ['00:00-06:00'], { days: ['sun'] });
    expect(next(w, '2026-09-06T03:30:00Z')).toBe('2026-09-06T04:00:00.000Z'); // Sat 23:30 → Sun 01:00
  });
});
