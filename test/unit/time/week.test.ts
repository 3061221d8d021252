import { describe, expect, it } from 'vitest';
import { nextWeekStart, weekStart } from '../../../src/time/week.js';

const HOUR = 3_600_000;
const start = (text: string, zone: string): string => weekStart(new Date(text), zone).toISOString();
const next = (text: string, zone: string): string => nextWeekStart(new Date(text), zone).toISOString();

describe('weekStart / nextWeekStart', () => {
  it('is Monday 00:00 local', () => {
    expect(start('2026-06-10T12:00:00Z', 'Europe/Paris')).toBe('2026-06-07T22:00:00.000Z'); // Wed → Mon 00:00 CEST
    expect(next('2026-06-10T12:00:00Z', 'Europe/Paris')).toBe('2026-06-14T22:00:00.000Z');
    expect(start('2026-06-10T12:00:00Z', 'UTC')).toBe('2026-06-08T00:00:00.000Z');
  });

  it('puts the boundaries in the right week', () => {
    expect(start('2026-06-07T22:00:00Z', 'Europe/Paris')).toBe('2026-06-07T22:00:00.000Z'); // Monday 00:00 itself
    expect(start('2026-06-07T21:59:59Z', 'Europe/Paris')).toBe('2026-05-31T22:00:00.000Z'); // Sunday 23:59:59
    expect(start('2026-06-07T23:30:00Z', 'UTC')).toBe('2026-06-01T00:00:00.000Z'); // Sunday in UTC
  });

  it('has 167-hour and 169-hour weeks across DST', () => {
    const spring = weekStart(new Date('2026-03-29T12:00:00Z'), 'Europe/Paris');
    expect(spring.toISOString()).toBe('2026-03-22T23:00:00.000Z');
    expect((nextWeekStart(spring, 'Europe/Paris').getTime() - spring.getTime()) / HOUR).toBe(167);
    const autumn = weekStart(new Date('2026-10-25T12:00:00Z'), 'Europe/Paris');
    expect((nextWeekStart(autumn, 'Europe/Paris').getTime() - autumn.getTime()) / HOUR).toBe(169);
    expect(next('2026-11-01T12:00:00Z', 'America/New_York')).toBe('2026-11-02T05:00:00.000Z');
  });
});
