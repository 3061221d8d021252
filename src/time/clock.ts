/** Where the engine reads the current time: injected so the same engine runs on a virtual clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * A clock that only moves when told to. It never goes backwards: the engine relies on time being
 * monotonic (a due send must not become "not yet due" again), so moving back is a bug and throws.
 */
export class VirtualClock implements Clock {
  private ms: number;

  constructor(start: Date) {
    this.ms = checked(start.getTime(), 'start');
  }

  /** A fresh Date each time, so callers cannot move the clock by mutating it. */
  now(): Date {
    return new Date(this.ms);
  }

  /** Jumps to `date`; throws if it is earlier than the current time. Returns the new time. */
  set(date: Date): Date {
    const ms = checked(date.getTime(), 'date');
    if (ms < this.ms) {
      throw new RangeError(`a virtual clock never goes backwards: ${date.toISOString()} is before ${new Date(this.ms).toISOString()}`);
    }
    this.ms = ms;
    return this.now();
  }

  /** Moves forward by `ms` milliseconds (≥ 0). Returns the new time. */
  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`a virtual clock only advances by a finite, non-negative amount, not ${ms}`);
    this.ms = checked(this.ms + ms, 'advance');
    return this.now();
  }
}

function checked(ms: number, what: string): number {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw new RangeError(`virtual clock: ${what} is not a valid date`);
  return ms;
}
