import type { StepGraph } from '../schema/compiled.js';
import { satisfy, syntheticContact } from '../synthetic/contacts.js';
import type { ContactState } from '../conditions/contact-state.js';
import { providerOf, type Provider } from '../quotas/providers.js';
import type { Outcome, Scenario } from '../schema/scenario.gen.js';
import { DAY, HOUR, dayOf, type TimeZone } from '../time/zone.js';

export type Status = 'pending' | 'blocked' | 'waiting' | 'deferred' | 'task' | 'finished' | 'replied' | 'error' | 'refused';

/** A synthetic contact and where it stands in the simulated scenario. */
export interface SimContact {
  state: ContactState;
  provider: Provider;
  step: string;
  status: Status;
  since: number;
  /** Bumped at each reschedule: queued passes with an older token are stale. */
  token: number;
  outcome?: Outcome;
  reason?: string;
  refusal?: 'scheduleEnded' | 'rateLimit';
  postponed: boolean;
  /** Something happened to the contact (an event) since its last walk. */
  dirty: boolean;
  /** The pending send was already counted as deferred by a quota / by the window. */
  quotaMarked: boolean;
  windowMarked: boolean;
}

/**
 * Engagement flags per step, as parseEngagement makes them but with fast properties: a record with
 * nothing inherited (a step named "constructor" is safe), cheaper for walk's checks on every step.
 */
const StepFlags = function StepFlags(this: object) {} as unknown as new () => Record<string, string>;
StepFlags.prototype = Object.create(null) as object;

export interface PopulationOptions {
  count: number;
  domains: ReadonlyArray<readonly [string, number]>;
  /** First entry, and how many days later entries are spread over (0: all at once). */
  startMs: number;
  arrivalDays: number;
  zone: TimeZone;
  rnd: () => number;
}

/**
 * The demo's synthetic contacts, made to match the scenario's segment (or its trigger's `when`),
 * each with its arrival time. A wait counted from a contact date gets one, two to five weeks on.
 */
export function createPopulation(scenario: Scenario, graph: StepGraph, options: PopulationOptions): { contacts: SimContact[]; arrivals: number[]; providers: Partial<Record<Provider, number>> } {
  const { spec } = scenario;
  const { startMs, arrivalDays, zone, rnd } = options;
  const { email: _email, ...segmentFields } = satisfy(spec.entry.lists ? spec.entry.segment : spec.entry.triggers?.[0]?.when);
  const dateFields = relativeDateFields(graph);
  const pickDomain = domainPicker(options.domains, rnd);
  const providers: Partial<Record<Provider, number>> = {};
  const contacts: SimContact[] = [];
  const arrivals: number[] = [];
  for (let n = 1; n <= options.count; n++) {
    const fields = syntheticContact(n, pickDomain(n), rnd, { ...segmentFields });
    const arrival = arrivalDays > 0 ? startMs + Math.floor(rnd() * arrivalDays * DAY / 1000) * 1000 : startMs;
    for (const field of dateFields) {
      if (fields[field] !== undefined) continue;
      const day = dayOf(zone.toWall(arrival)) + (14 + Math.floor(rnd() * 22)) * DAY;
      fields[field] = new Date(day + 18 * HOUR).toISOString().slice(0, 16);
    }
    const email = String(fields.email);
    const provider = providerOf(email);
    providers[provider] = (providers[provider] ?? 0) + 1;
    contacts.push({
      state: { id: String(n), email, fields, engagement: { s: new StepFlags() }, suppressed: false },
      provider, step: graph.entry, status: 'pending', since: arrival, token: 0, postponed: false, dirty: false, quotaMarked: false, windowMarked: false,
    });
    arrivals.push(arrival);
  }
  return { contacts, arrivals, providers };
}

/** Contact fields that `wait … until: { field }` steps count from. */
function relativeDateFields(graph: StepGraph): string[] {
  const out = new Set<string>();
  for (const id of graph.order) {
    const step = graph.steps[id]?.step;
    if (step?.type === 'wait' && step.until !== undefined && typeof step.until === 'object') out.add(step.until.field);
  }
  return [...out];
}

function domainPicker(domains: ReadonlyArray<readonly [string, number]>, rnd: () => number): (n: number) => string {
  const total = domains.reduce((sum, [, w]) => sum + Math.max(0, w), 0);
  if (total <= 0) throw new RangeError('simulate: the domain weights add up to nothing');
  return (n) => {
    let x = rnd() * total;
    let domain = domains[domains.length - 1]![0];
    for (const [d, w] of domains) {
      x -= Math.max(0, w);
      if (x < 0) { domain = d; break; }
    }
    // Company domains: a few hundred companies, all on "other" mail providers.
    return domain === '*' ? `company-${(n * 7919) % 373}.example` : domain;
  };
}
