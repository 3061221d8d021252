import { compileSchedule } from '../compile/schedule.js';
import type { StepGraph } from '../schema/compiled.js';
import { DEFAULT_RATES, type EngagementRates } from '../synthetic/engagement.js';
import { seededRandom } from '../synthetic/random.js';
import type { Scenario } from '../schema/scenario.gen.js';
import { SendWindow } from '../time/window.js';
import { DAY, isoDate, isoWeekday } from '../time/zone.js';
import { DEFAULT_DOMAINS, instant, tallyOutcomes, WEEKDAYS, type Forecast, type SimulateOptions } from './forecast.js';
import { createPopulation } from './population.js';
import { Simulation } from './simulation.js';
import { tabulatedWindow } from './tabulated-zone.js';

export { DEFAULT_DOMAINS, type Forecast, type Instant, type SimulateOptions } from './forecast.js';

/**
 * `relance simulate`: a forecast of what a scenario would send — per day, per email, until when —
 * and where its contacts would end, without Redis and without sending anything.
 *
 * A discrete-event simulation in memory. It reuses what the engine runs: `walk` for the steps,
 * the scenario's SendWindow (days, hours, holidays; `start`/`end` only bound entry, as in the
 * engine), weekly quotas per (sender, provider, week) with a send over quota deferred to the next
 * week start, and the demo's synthetic contacts and engagement (`satisfy`, `reactions`).
 *
 * A priority queue of (time, contact) entries is processed in time order: entries into the
 * scenario, passes (one `walk` each; a contact's `since` is when it entered its current step),
 * engagement events (they set flags, suppress, and wake a waiting contact as the engine's wake
 * does) and tasks done by a person. Where the engine has no rule yet, the forecast follows the
 * SPEC: contacts over `limits.maxActive` enter as places free up, and `limits.maxEntriesPerDay`
 * postpones the rest of a day's entries to the next day. Webhooks are assumed to answer.
 */
export function simulate(scenario: Scenario, graph: StepGraph, options: SimulateOptions): Forecast {
  const { spec } = scenario;
  const seed = options.seed ?? 42;
  const rnd = seededRandom(seed);
  const rates = effectiveRates(options.rates);
  // The schedule as the engine reads it from the version: sends follow days, hours and holidays;
  // `start`/`end` only bound entry.
  const schedule = compileSchedule(scenario);
  const realWindow = new SendWindow(schedule.window);
  const startBound = schedule.start === undefined ? undefined : schedule.start * 1000;
  const endBound = schedule.end === undefined ? undefined : schedule.end * 1000;
  const startMs = Math.max(options.start.getTime(), startBound ?? -Infinity);
  // Days on the local calendar: a horizon across a DST change keeps the wall time.
  const horizon = realWindow.zone.resolve(realWindow.zone.toWall(startMs) + options.days * DAY);
  const window = tabulatedWindow(realWindow, startMs, horizon);
  const zone = window.zone;
  // Trigger scenarios see their contacts arrive over days; list members all enter at the start.
  const trigger = spec.entry.lists ? undefined : spec.entry.triggers?.[0];
  const arrivalDays = trigger ? options.arrivalDays ?? 7 : 0;

  const { contacts, arrivals, providers } = createPopulation(scenario, graph, {
    count: options.contacts, domains: options.domains ?? DEFAULT_DOMAINS, startMs, arrivalDays, zone, rnd,
  });
  const simulation = new Simulation({ scenario, graph, window, rates, rnd, taskDelayMs: options.taskDelayMs ?? DAY, endBound });
  contacts.forEach((c, i) => simulation.arrive(c, arrivals[i]!));
  simulation.run(horizon);

  const t = simulation.tally;
  const emailSteps = graph.order.filter((id) => graph.steps[id]?.step.type === 'email');
  return {
    scenario: scenario.metadata.name,
    timezone: realWindow.zone.name,
    seed,
    contacts: options.contacts,
    days: options.days,
    rates,
    start: instant(startMs, zone),
    horizon: instant(horizon, zone),
    entry: { kind: spec.entry.lists ? 'lists' : 'triggers', arrivalDays, entered: t.entered, postponed: t.postponed, blocked: t.everBlocked },
    providers,
    sends: {
      total: t.totalSends,
      perDay: [...t.perDay.entries()].sort((a, b) => a[0] - b[0]).map(([day, sends]) => ({ date: isoDate(day), weekday: WEEKDAYS[isoWeekday(day) - 1]!, sends })),
      perStep: emailSteps.map((step) => ({ step, sends: t.perStep.get(step) ?? 0 })),
      first: t.firstSend === undefined ? null : instant(t.firstSend, zone),
      last: t.lastSend === undefined ? null : instant(t.lastSend, zone),
    },
    deferred: t.deferred,
    effects: t.effects,
    engagement: t.engagement,
    outcomes: tallyOutcomes(contacts),
  };
}

/** Rates as fractions of emails sent: a reply or a click implies an open, a form a click. */
function effectiveRates(given: Partial<EngagementRates> | undefined): EngagementRates {
  const r = { ...DEFAULT_RATES };
  for (const [k, v] of Object.entries(given ?? {}) as Array<[keyof EngagementRates, number | undefined]>) {
    if (v !== undefined && Number.isFinite(v)) r[k] = Math.min(1, Math.max(0, v));
  }
  r.click = Math.max(r.click, r.form);
  r.open = Math.max(r.open, r.click, r.reply);
  return r;
}
