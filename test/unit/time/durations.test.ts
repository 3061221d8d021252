import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../src/time/duration.js';
import type { Schedule } from '../../../src/schema/scenario.gen.js';
import { addDuration, subtractDuration } from '../../../src/time/durations.js';
import { SendWindow } from '../../../src/time/window.js';

const HOUR = 3_600_000;
const paris = (extra: Partial<Schedule> = {}): SendWindow => new SendWindow({ timezone: 'Europe/Paris', ...extra });
const add = (text: string, d: string, w: SendWindow = paris()): string => addDuration(new Date(text), parseDuration(d), w).toISOString();
const sub = (text: string, d: string, w: SendWindow = paris()): string => subtractDuration(new Date(text), parseDuration(d), w).toISOString();

describe('addDuration: elapsed and calendar units', () => {
  it('adds days in local wall time over the spring change (a 23-hour day)', () => {
    // Fri 2026-03-27 10:00 CET → Mon 2026-03-30 10:00 CEST.
    const end = add('2026-03-27T09:00:00Z', '3 days');
    expect(end).toBe('2026-03-30T08:00:00.000Z');
    expect((Date.parse(end) - Date.parse('2026-03-27T09:00:00Z')) / HOUR).toBe(71);
  });

  it('adds days in local wall time over the autumn change (a 25-hour day)', () => {
    const end = add('2026-10-24T08:00:00Z', '1 day'); // 10:00 CEST → 10:00 CET
    expect(end).toBe('2026-10-25T09:00:00.000Z');
    expect(add('2026-10-20T08:00:00Z', '1 week')).toBe('2026-10-27T09:00:00.000Z');
  });

  it('adds hours, minutes and seconds as elapsed time', () => {
    expect(add('2026-03-29T00:30:00Z', '2 hours')).toBe('2026-03-29T02:30:00.000Z'); // 01:30 CET → 04:30 CEST
    expect(add('2026-10-25T00:30:00Z', '1h')).toBe('2026-10-25T01:30:00.000Z'); // 02:30 CEST → 02:30 CET
    expect(add('2026-06-01T10:00:00Z', '45 minutes')).toBe('2026-06-01T10:45:00.000Z');
    expect(add('2026-06-01T10:00:00Z', '30s')).toBe('2026-06-01T10:00:30.000Z');
  });

  it('lands a skipped wall time on the moment the clocks jump', () => {
    expect(add('2026-03-28T01:30:00Z', '1 day')).toBe('2026-03-29T01:00:00.000Z'); // 02:30 → 03:00 CEST
  });

  it('uses UTC without a schedule', () => {
    expect(add('2026-03-27T09:00:00Z', '3d', new SendWindow())).toBe('2026-03-30T09:00:00.000Z');
  });

  it('adds nothing for a zero amount', () => {
    expect(add('2026-06-06T08:00:00Z', '0 business days')).toBe('2026-06-06T08:00:00.000Z');
  });
});

describe('addDuration: business days (Mon–Fri minus holidays, wall time kept)', () => {
  // All times 10:00 Paris (+02:00 in June).
  it('goes from Friday to Monday', () => {
    expect(add('2026-06-05T08:00:00Z', '1 business day')).toBe('2026-06-08T08:00:00.000Z');
    expect(add('2026-06-05T08:00:00Z', '5bd')).toBe('2026-06-12T08:00:00.000Z');
  });

  it('skips holidays', () => {
    expect(add('2026-06-05T08:00:00Z', '1 business day', paris({ holidays: ['2026-06-08'] }))).toBe('2026-06-09T08:00:00.000Z');
  });

  it('counts from the next business day when starting on a day off', () => {
    expect(add('2026-06-06T08:00:00Z', '1 business day')).toBe('2026-06-09T08:00:00.000Z'); // Saturday → Tuesday
    expect(add('2026-06-07T08:00:00Z', '1 business day')).toBe('2026-06-09T08:00:00.000Z'); // Sunday → Tuesday
    expect(add('2026-06-08T08:00:00Z', '1 business day', paris({ holidays: ['2026-06-08'] }))).toBe('2026-06-10T08:00:00.000Z'); // holiday Monday → Wednesday
  });

  it('ignores the send days of the schedule', () => {
    const tueThu = paris({ days: ['tue', 'thu'] });
    expect(add('2026-06-08T08:00:00Z', '1 business day', tueThu)).toBe('2026-06-09T08:00:00.000Z'); // Mon → Tue
    expect(add('2026-06-09T08:00:00Z', '1 business day', tueThu)).toBe('2026-06-10T08:00:00.000Z'); // Tue → Wed
  });

  it('keeps the wall time across a DST change', () => {
    expect(add('2026-03-27T09:00:00Z', '1 business day')).toBe('2026-03-30T08:00:00.000Z'); // Fri 10:00 CET → Mon 10:00 CEST
  });

  it('counts backwards for subtraction', () => {
    expect(sub('2026-06-08T08:00:00Z', '1 business day')).toBe('2026-06-05T08:00:00.000Z'); // Mon → Fri
    expect(sub('2026-06-07T08:00:00Z', '1 business day')).toBe('2026-06-04T08:00:00.000Z'); // Sun → Fri is day 0 → Thu
    expect(sub('2026-03-30T08:00:00Z', '3 days')).toBe('2026-03-27T09:00:00.000Z');
  });
});
