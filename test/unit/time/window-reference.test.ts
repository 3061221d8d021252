import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { Schedule } from '../../../src/schema/scenario.gen.js';
import { SendWindow } from '../../../src/time/window.js';

// Cross-checks SendWindow against a naive reference built on luxon alone: scan minute by minute
// (every boundary, DST changes included, falls on a whole minute) around each DST change.
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

function referenceOpen(s: Schedule, ms: number): boolean {
  const local = DateTime.fromMillis(ms, { zone: s.timezone ?? 'UTC' });
  const day = DAYS[local.weekday - 1]!;
  if (s.days && !s.days.includes(day)) return false;
  if (s.businessDays && local.weekday > 5) return false;
  if (s.holidays?.includes(local.toISODate()!)) return false;
  const minute = local.hour * 60 + local.minute;
  return (s.hours ?? ['00:00-24:00']).some((r) => {
    const [a, b] = r.split('-').map((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3))) as [number, number];
    return a <= minute && minute < b;
  });
}

function referenceNext(s: Schedule, ms: number): number | null {
  if (referenceOpen(s, ms)) return ms;
  for (let t = Math.ceil(ms / 60_000) * 60_000, i = 0; i < 10 * 1440; i++, t += 60_000) if (referenceOpen(s, t)) return t;
  return null;
}

// A small deterministic generator, so failures reproduce.
function rng(seed: number): () => number {
  return () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

const CHANGES: Array<[string, string]> = [
  ['Europe/Paris', '2026-03-29T01:00:00Z'],
  ['Europe/Paris', '2026-10-25T01:00:00Z'],
  ['America/New_York', '2026-03-08T07:00:00Z'],
  ['America/New_York', '2026-11-01T06:00:00Z'],
  ['America/Santiago', '2026-09-06T04:00:00Z'],
  ['Australia/Lord_Howe', '2026-10-04T15:30:00Z'], // a 30-minute change
];
const HOURS = [
  ['09:00-18:00'], ['02:00-04:00'], ['02:30-03:30'], ['01:00-02:30', '02:45-03:15'], ['00:00-01:00', '23:00-24:00'],
  ['02:30-02:45'], ['01:30-02:15'], ['02:10-02:20'], ['00:00-06:00'],
];

describe('SendWindow against a minute-by-minute reference', () => {
  const random = rng(20_260_329);
  for (const [timezone, change] of CHANGES) {
    it(`agrees around ${change} in ${timezone}`, () => {
      for (let n = 0; n < 40; n++) {
        const schedule: Schedule = {
          timezone,
          hours: HOURS[Math.floor(random() * HOURS.length)]!,
          days: DAYS.filter(() => random() < 0.9),
          businessDays: random() < 0.2,
        };
        if (schedule.days!.length === 0) schedule.days = ['sun'];
        const w = new SendWindow(schedule);
        // Half from the 4 hours before the change, half from up to 30 hours before; at a random second.
        const span = n % 2 === 0 ? 4 : 30;
        const from = Date.parse(change) - span * 3_600_000 + Math.floor(random() * (span + 1) * 3600) * 1000;
        const expected = referenceNext(schedule, from);
        const label = `${JSON.stringify(schedule)} from ${new Date(from).toISOString()}`;
        expect(w.isOpen(new Date(from)), label).toBe(referenceOpen(schedule, from));
        if (expected !== null) expect(w.nextOpen(new Date(from))?.toISOString(), label).toBe(new Date(expected).toISOString());
      }
    });
  }
});
