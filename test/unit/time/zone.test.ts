import { describe, expect, it } from 'vitest';
import { parseDateTime } from '../../../src/time/parse.js';
import { TimeZone } from '../../../src/time/zone.js';

const paris = TimeZone.of('Europe/Paris');
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('TimeZone', () => {
  it('knows the repeated and the skipped hour', () => {
    expect(paris.occurrences(Date.UTC(2026, 9, 25, 2, 30)).map(iso)).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-25T01:30:00.000Z']);
    expect(paris.occurrences(Date.UTC(2026, 2, 29, 2, 30))).toEqual([]);
    expect(paris.occurrences(Date.UTC(2026, 2, 29, 9, 0)).map(iso)).toEqual(['2026-03-29T07:00:00.000Z']);
  });

  it('resolves a wall time to the first instant showing it or later', () => {
    expect(iso(paris.resolve(Date.UTC(2026, 2, 29, 2, 30)))).toBe('2026-03-29T01:00:00.000Z'); // clocks jump to 03:00
    expect(iso(paris.resolve(Date.UTC(2026, 9, 25, 2, 30)))).toBe('2026-10-25T00:30:00.000Z'); // first 02:30
    // Chile skips midnight: Sunday starts at 01:00 local.
    expect(iso(TimeZone.of('America/Santiago').resolve(Date.UTC(2026, 8, 6)))).toBe('2026-09-06T04:00:00.000Z');
  });

  it('refuses an unknown zone', () => {
    expect(() => TimeZone.of('Mars/Olympus')).toThrow(/unknown time zone/);
  });
});

describe('parseDateTime', () => {
  it('reads local and absolute forms', () => {
    expect(iso(parseDateTime('2026-12-10', paris))).toBe('2026-12-09T23:00:00.000Z');
    expect(iso(parseDateTime('2026-12-10T18:00', paris))).toBe('2026-12-10T17:00:00.000Z');
    expect(iso(parseDateTime('2026-12-10 18:00:30', paris))).toBe('2026-12-10T17:00:30.000Z');
    expect(iso(parseDateTime('2026-12-10T18:00:00.250', paris))).toBe('2026-12-10T17:00:00.250Z');
    expect(iso(parseDateTime('2026-12-10T18:00Z', paris))).toBe('2026-12-10T18:00:00.000Z');
    expect(iso(parseDateTime('2026-12-10T18:00+05:30', paris))).toBe('2026-12-10T12:30:00.000Z');
    expect(iso(parseDateTime('2026-12-10T18:00-0500', paris))).toBe('2026-12-10T23:00:00.000Z');
    expect(iso(parseDateTime(' 2026-07-01T09:00 ', paris))).toBe('2026-07-01T07:00:00.000Z');
  });

  it('refuses what is not a real date', () => {
    for (const text of ['', 'tomorrow', '2026-02-29', '2026-13-01', '2026-12-10T24:00', '2026-12-10T18:60', '10/12/2026', '2026-12-10Z']) {
      expect(parseDateTime(text, paris), text).toBeUndefined();
    }
  });
});
