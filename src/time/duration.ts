export type DurationUnit = 'second' | 'minute' | 'hour' | 'day' | 'businessDay' | 'week';

export interface Duration {
  amount: number;
  unit: DurationUnit;
}

const UNITS: Array<[RegExp, DurationUnit]> = [
  [/^(s|sec|secs|seconds?)$/, 'second'],
  [/^(m|min|mins|minutes?)$/, 'minute'],
  [/^(h|hours?)$/, 'hour'],
  [/^(d|days?)$/, 'day'],
  [/^(bd|business\s+days?)$/, 'businessDay'],
  [/^(w|weeks?)$/, 'week'],
];

const MS: Record<Exclude<DurationUnit, 'businessDay'>, number> = {
  second: 1000, minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000,
};

/** Parses `3 days`, `2 business days`, `4h`, … (the schema's `duration` pattern). */
export function parseDuration(text: string): Duration {
  const match = /^\s*(\d+)\s*([a-z\s]+?)\s*$/i.exec(text);
  if (match) {
    const unitText = match[2]!.toLowerCase();
    for (const [pattern, unit] of UNITS) if (pattern.test(unitText)) return { amount: Number(match[1]), unit };
  }
  throw new RangeError(`not a duration: ${JSON.stringify(text)}`);
}

/** Milliseconds for calendar units; business days depend on the schedule and are counted elsewhere. */
export function durationMs(d: Duration): number | undefined {
  return d.unit === 'businessDay' ? undefined : d.amount * MS[d.unit];
}

export function formatDuration(d: Duration): string {
  const words: Record<DurationUnit, string> = {
    second: 'second', minute: 'minute', hour: 'hour', day: 'day', businessDay: 'business day', week: 'week',
  };
  return `${d.amount} ${words[d.unit]}${d.amount === 1 ? '' : 's'}`;
}
