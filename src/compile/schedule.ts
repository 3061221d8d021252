import type { CompiledSchedule } from '../schema/compiled.js';
import type { Scenario } from '../schema/scenario.gen.js';
import { parseDateTime } from '../time/parse.js';
import { TimeZone } from '../time/zone.js';

/** Resolves a scenario's `schedule` once, for its version record (see CompiledSchedule). */
export function compileSchedule(scenario: Scenario): CompiledSchedule {
  const schedule = scenario.spec.schedule;
  const zone = schedule?.timezone ?? 'UTC';
  const bound = (value: string | undefined): number | undefined => {
    const at = value ? parseDateTime(value, TimeZone.of(zone)) : undefined;
    return at === undefined ? undefined : Math.floor(at / 1000);
  };
  // `start`/`end` bound entry only: sends follow days, hours and holidays.
  const { start, end, ...window } = schedule ?? {};
  return { zone, start: bound(start), end: bound(end), window: { ...window, timezone: zone } };
}

/** A stored version's schedule: compiled at apply, or compiled now for versions that predate it. */
export function scheduleOf(version: { scenario: Scenario; schedule?: CompiledSchedule }): CompiledSchedule {
  return version.schedule ?? compileSchedule(version.scenario);
}
