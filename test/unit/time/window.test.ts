import { describe, expect, it } from 'vitest';
import type { Schedule } from '../../../src/schema/scenario.gen.js';
import { SendWindow } from '../../../src/time/window.js';

const WEEKDAYS: Schedule['days'] = ['mon', 'tue', 'wed', 'thu', 'fri'];
const office = (extra: Partial<Schedule> = {}): SendWindow =>
  new SendWindow({ timezone: 'UTC', days: WEEKDAYS, hours: ['09:00-18:00'], ...extra });
const at = (text: string): Date => new Date(text);
const next = (w: SendWindow, text: string): string | undefined => w.nextOpen(at(text))?.toISOString();

describe('SendWindow: open or closed', () => {
  it('is always open without a schedule (UTC, every day, all day)', () => {
    const w = new SendWindow(undefined);
    expect(w.timezone).toBe('UTC');
    expect(w.isOpen(at('2026-06-06T03:17:00Z'))).toBe(true);
    expect(next(w, '2026-06-07T23:59:59Z')).toBe('2026-06-07T23:59:59.000Z');
  });

  it('checks the day of the week', () => {
    const w = office();
    expect(w.isOpen(at('2026-06-08T10:00:00Z'))).toBe(true); // Monday
    expect(w.isOpen(at('2026-06-06T10:00:00Z'))).toBe(false); // Saturday
    expect(w.isOpen(at('2026-06-07T10:00:00Z'))).toBe(false); // Sunday
  });

  it('checks the hour ranges, end excluded', () => {
    const w = office({ hours: ['09:00-12:00', '14:00-18:00'] });
    expect(w.isOpen(at('2026-06-08T08:59:59Z'))).toBe(false);
    expect(w.isOpen(at('2026-06-08T09:00:00Z'))).toBe(true);
    expect(w.isOpen(at('2026-06-08T11:59:59Z'))).toBe(true);
    expect(w.isOpen(at('2026-06-08T12:00:00Z'))).toBe(false);
    expect(w.isOpen(at('2026-06-08T17:59:00Z'))).toBe(true);
    expect(w.isOpen(at('2026-06-08T18:00:00Z'))).toBe(false);
  });

  it('accepts 24:00 as the end of the day', () => {
    const w = new SendWindow({ hours: ['20:00-24:00'] });
    expect(w.isOpen(at('2026-06-08T23:59:59Z'))).toBe(true);
    expect(w.isOpen(at('2026-06-09T00:00:00Z'))).toBe(false);
  });

  it('uses the local day and time of the scenario zone', () => {
    const w = office({ timezone: 'Europe/Paris', holidays: ['2026-12-25'] });
    expect(w.isOpen(at('2026-12-14T08:00:00Z'))).toBe(true); // 09:00 Paris (winter, +01:00)
    expect(w.isOpen(at('2026-12-14T07:59:00Z'))).toBe(false);
    expect(w.isOpen(at('2026-06-15T07:00:00Z'))).toBe(true); // 09:00 Paris (summer, +02:00)
    expect(w.isOpen(at('2026-06-15T16:00:00Z'))).toBe(false); // 18:00 Paris
    expect(w.isOpen(at('2026-12-25T10:00:00Z'))).toBe(false); // holiday
  });

  it('skips weekends with businessDays, even when days lists them', () => {
    const w = new SendWindow({ businessDays: true, days: ['fri', 'sat', 'sun', 'mon'] });
    expect(w.isOpen(at('2026-06-06T10:00:00Z'))).toBe(false); // Saturday
    expect(w.isOpen(at('2026-06-05T10:00:00Z'))).toBe(true); // Friday
    expect(next(w, '2026-06-06T10:00:00Z')).toBe('2026-06-08T00:00:00.000Z'); // Monday
    expect(w.isOpen(at('2026-06-09T10:00:00Z'))).toBe(false); // Tuesday is not in days
  });
});

describe('SendWindow.nextOpen', () => {
  const w = office();

  it('returns the instant itself when open', () => {
    expect(next(w, '2026-06-08T10:15:00Z')).toBe('2026-06-08T10:15:00.000Z');
  });

  it('waits for the first range of the day', () => {
    expect(next(w, '2026-06-08T06:00:00Z')).toBe('2026-06-08T09:00:00.000Z');
  });

  it('moves past the last range of the day to the next day', () => {
    expect(next(w, '2026-06-09T18:00:00Z')).toBe('2026-06-10T09:00:00.000Z');
    expect(next(office({ hours: ['09:00-12:00', '14:00-18:00'] }), '2026-06-09T12:30:00Z')).toBe('2026-06-09T14:00:00.000Z');
  });

  it('moves across the weekend', () => {
    expect(next(w, '2026-06-05T18:30:00Z')).toBe('2026-06-08T09:00:00.000Z'); // Friday evening → Monday
    expect(next(w, '2026-06-06T11:00:00Z')).toBe('2026-06-08T09:00:00.000Z'); // Saturday → Monday
  });

  it('moves across holidays', () => {
    const xmas = office({ holidays: ['2026-12-25', '2026-12-28'] });
    expect(next(xmas, '2026-12-24T19:00:00Z')).toBe('2026-12-29T09:00:00.000Z'); // Fri, weekend, Mon off
  });

  it('waits for the schedule start', () => {
    const w2 = office({ start: '2026-06-10' }); // a Wednesday, 00:00
    expect(w2.isOpen(at('2026-06-09T10:00:00Z'))).toBe(false);
    expect(next(w2, '2026-06-01T10:00:00Z')).toBe('2026-06-10T09:00:00.000Z');
    const w3 = office({ start: '2026-06-10T10:30' });
    expect(next(w3, '2026-06-01T10:00:00Z')).toBe('2026-06-10T10:30:00.000Z'); // start falls inside a slot
  });

  it('returns null at or after the end', () => {
    const w2 = office({ end: '2026-06-12T12:00' });
    expect(w2.isOpen(at('2026-06-12T11:59:59Z'))).toBe(true);
    expect(w2.isOpen(at('2026-06-12T12:00:00Z'))).toBe(false);
    expect(w2.nextOpen(at('2026-06-12T12:00:00Z'))).toBeNull();
    expect(w2.nextOpen(at('2027-01-01T00:00:00Z'))).toBeNull();
    expect(next(w2, '2026-06-11T20:00:00Z')).toBe('2026-06-12T09:00:00.000Z');
    // The last slot before the end is gone: nothing opens any more.
    expect(office({ end: '2026-06-12T08:00' }).nextOpen(at('2026-06-11T20:00:00Z'))).toBeNull();
    // A date alone is 00:00: the end day itself is closed.
    expect(office({ end: '2026-06-12' }).nextOpen(at('2026-06-11T20:00:00Z'))).toBeNull();
  });

  it('returns null when the schedule never opens', () => {
    expect(new SendWindow({ days: [] }).nextOpen(at('2026-06-08T10:00:00Z'))).toBeNull();
    expect(new SendWindow({ hours: [] }).nextOpen(at('2026-06-08T10:00:00Z'))).toBeNull();
    expect(new SendWindow({ hours: ['18:00-09:00'] }).nextOpen(at('2026-06-08T10:00:00Z'))).toBeNull();
    expect(new SendWindow({ businessDays: true, days: ['sat', 'sun'] }).nextOpen(at('2026-06-08T10:00:00Z'))).toBeNull();
  });

  it('refuses what the validator refuses', () => {
    expect(() => new SendWindow({ timezone: 'Nowhere/Land' })).toThrow(RangeError);
    expect(() => new SendWindow({ hours: ['9-18'] })).toThrow(RangeError);
    expect(() => new SendWindow({ start: '2026-02-30' })).toThrow(RangeError);
  });
});

describe('SendWindow.isBusinessDay', () => {
  it('is Monday to Friday minus holidays, whatever days says', () => {
    const w = new SendWindow({ timezone: 'Europe/Paris', days: ['tue', 'thu'], holidays: ['2026-06-10'] });
    expect(w.isBusinessDay(at('2026-06-08T10:00:00Z'))).toBe(true); // Monday, not a send day
    expect(w.isBusinessDay(at('2026-06-10T10:00:00Z'))).toBe(false); // holiday
    expect(w.isBusinessDay(at('2026-06-13T10:00:00Z'))).toBe(false); // Saturday
    expect(w.isBusinessDay(at('2026-06-12T22:30:00Z'))).toBe(false); // Saturday 00:30 in Paris
  });
});
