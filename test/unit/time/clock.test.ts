import { describe, expect, it } from 'vitest';
import { systemClock, VirtualClock } from '../../../src/time/clock.js';

const T0 = new Date('2026-06-01T08:00:00Z');

describe('VirtualClock', () => {
  it('starts at the given time and hands out copies', () => {
    const clock = new VirtualClock(T0);
    const now = clock.now();
    expect(now.toISOString()).toBe('2026-06-01T08:00:00.000Z');
    now.setUTCFullYear(2030); // mutating the copy does not move the clock
    expect(clock.now().toISOString()).toBe('2026-06-01T08:00:00.000Z');
  });

  it('advances and jumps forward', () => {
    const clock = new VirtualClock(T0);
    expect(clock.advance(90_000).toISOString()).toBe('2026-06-01T08:01:30.000Z');
    clock.set(new Date('2026-06-03T00:00:00Z'));
    expect(clock.now().toISOString()).toBe('2026-06-03T00:00:00.000Z');
    clock.set(new Date('2026-06-03T00:00:00Z')); // standing still is allowed
    clock.advance(0);
    expect(clock.now().toISOString()).toBe('2026-06-03T00:00:00.000Z');
  });

  it('never goes backwards', () => {
    const clock = new VirtualClock(T0);
    expect(() => clock.set(new Date('2026-06-01T07:59:59Z'))).toThrow(/never goes backwards/);
    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(clock.now().toISOString()).toBe('2026-06-01T08:00:00.000Z');
  });

  it('refuses an invalid date', () => {
    expect(() => new VirtualClock(new Date('nope'))).toThrow(RangeError);
  });

  it('is interchangeable with the system clock', () => {
    expect(systemClock.now()).toBeInstanceOf(Date);
  });
});
