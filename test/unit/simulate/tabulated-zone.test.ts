import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/synthetic/random.js';
import { tabulatedWindow, tabulatedZone } from '../../../src/simulate/tabulated-zone.js';
import { addDuration } from '../../../src/time/durations.js';
import { SendWindow } from '../../../src/time/window.js';
import { TimeZone } from '../../../src/time/zone.js';

const FROM = Date.parse('2026-01-01T00:00:00Z');
const TO = Date.parse('2027-06-01T00:00:00Z');

describe('the tabulated time zone of simulate', () => {
  it.each(['Europe/Paris', 'America/Chicago', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'])('gives the real offsets (%s), to the millisecond around each change', (name) => {
    const real = TimeZone.of(name);
    const fast = tabulatedZone(real, FROM, TO);
    const rnd = seededRandom(1);
    for (let i = 0; i < 2000; i++) {
      const ms = FROM - 86_400_000 + Math.floor(rnd() * (TO - FROM + 2 * 86_400_000));
      expect(fast.offset(ms)).toBe(real.offset(ms));
    }
    for (let t = FROM; t < TO; t += 6 * 3_600_000) {
      const jump = real.transition(t, t + 6 * 3_600_000);
      if (jump === undefined) continue;
      for (const ms of [jump - 1, jump, jump + 1]) expect(fast.offset(ms)).toBe(real.offset(ms));
    }
    expect(fast.name).toBe(name);
  });

  it('gives the same send slots and durations as the real window', () => {
    const schedule = { timezone: 'Europe/Paris', days: ['mon', 'tue', 'wed', 'thu', 'fri'] as Array<'mon' | 'tue' | 'wed' | 'thu' | 'fri'>, hours: ['02:00-04:00', '09:00-12:00'], holidays: ['2026-05-01', '2026-12-25'] };
    const real = new SendWindow(schedule);
    const fast = tabulatedWindow(real, FROM, TO);
    const rnd = seededRandom(2);
    for (let i = 0; i < 1000; i++) {
      const at = new Date(FROM + Math.floor(rnd() * (TO - FROM)));
      expect(fast.nextOpen(at)?.getTime()).toBe(real.nextOpen(at)?.getTime());
      expect(fast.isBusinessDay(at)).toBe(real.isBusinessDay(at));
      for (const d of [{ amount: 3, unit: 'businessDay' as const }, { amount: 1, unit: 'week' as const }, { amount: 5, unit: 'hour' as const }]) {
        expect(addDuration(at, d, fast).getTime()).toBe(addDuration(at, d, real).getTime());
      }
    }
  });
});
