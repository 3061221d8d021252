import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { inWindow, reportWindow, ZoneClock } from '../../../src/report/times.js';
import { TimeZone } from '../../../src/time/zone.js';

describe('report times', () => {
  it('writes ISO 8601 in the zone exactly as luxon does, across DST changes and odd offsets', () => {
    for (const zone of ['Europe/Paris', 'UTC', 'America/St_Johns', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/New_York']) {
      const clock = new ZoneClock(zone);
      for (let s = 1_760_000_000; s < 1_830_000_000; s += 86_413) {
        expect(clock.iso(s), `${zone} ${s}`).toBe(DateTime.fromSeconds(s, { zone }).toISO({ suppressMilliseconds: true }));
      }
    }
    expect(new ZoneClock('Europe/Paris').iso(0)).toBe('');
    // The night clocks go back: 02:30 happens twice, an hour apart, with two offsets.
    const paris = new ZoneClock('Europe/Paris');
    expect([paris.iso(Date.parse('2026-10-25T00:30:00Z') / 1000), paris.iso(Date.parse('2026-10-25T01:30:00Z') / 1000)]).toEqual(['2026-10-25T02:30:00+02:00', '2026-10-25T02:30:00+01:00']);
  });

  it('reads --since and --until in the zone; a date alone for --until includes the whole day', () => {
    const zone = TimeZone.of('Europe/Paris');
    const window = reportWindow({ since: '2026-06-01', until: '2026-06-30' }, zone);
    expect(window).toEqual({ from: Date.parse('2026-05-31T22:00:00Z') / 1000, to: Date.parse('2026-06-30T22:00:00Z') / 1000 });
    expect(inWindow(window, Date.parse('2026-06-30T21:59:59Z') / 1000)).toBe(true);
    expect(inWindow(window, Date.parse('2026-06-30T22:00:00Z') / 1000)).toBe(false);
    expect(reportWindow({ until: '2026-06-30T12:00' }, zone)).toEqual({ to: Date.parse('2026-06-30T10:00:00Z') / 1000 });
    expect(() => reportWindow({ since: '2026-02-30' }, zone)).toThrow(/not a date/);
    expect(() => reportWindow({ since: '2026-06-02', until: '2026-06-01T00:00' }, zone)).toThrow(/after --since/);
  });
});
