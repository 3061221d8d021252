import { getTemplate } from '../catalogue/index.js';
import type { StepGraph } from '../schema/compiled.js';
import type { Scenario, Step } from '../schema/scenario.gen.js';
import { formatDuration, parseDuration, type Duration } from '../time/duration.js';
import { routesTo, type Route } from './routes.js';
import { whoWords, type Naming } from './who-words.js';

/**
 * Who receives an email step and when, in words, for a reviewer who does not read YAML:
 * a catalogue campaign's audience as SPEC 3.4 words it, else the graph's routes into the step
 * ("contacts who received “Initial email” and did not open the previous email").
 */
export function stepWords(scenario: Scenario, graph: StepGraph, stepId: string): { audience: string; delay: string } {
  const routes = routesTo(graph, stepId);
  const label = (id: string) => labelOf(graph, id);
  const audience = catalogueAudience(scenario, graph, stepId) ?? joinRoutes(routes.map((r) => routeAudience(r, label)), 'nobody (no step leads here)');
  const delay = joinRoutes(routes.map((r) => routeDelay(r, label)), 'never');
  return { audience, delay: delay + windowWords(scenario) };
}

export function labelOf(graph: StepGraph, id: string): string {
  const step = graph.steps[id]?.step;
  return step?.name ?? id;
}

function catalogueAudience(scenario: Scenario, graph: StepGraph, stepId: string): string | undefined {
  const template = scenario.spec.template;
  const key = /^\/spec\/campaigns\/(.+)$/.exec(graph.steps[stepId]?.source ?? '')?.[1];
  if (!template || !key) return undefined;
  return getTemplate(template).slots.find((s) => s.key === key)?.audience;
}

function routeAudience(route: Route, label: (id: string) => string): string {
  const naming: Naming = { label, previous: route.from };
  const base = route.from === null ? 'entered the scenario' : `received “${label(route.from)}”`;
  const tests = route.hops.flatMap((h) => {
    if (h.kind !== 'condition') return [];
    const words = whoWords(h.condition, naming);
    if (h.within) return [`, within ${formatDuration(parseDuration(h.within))}, ${words}`];
    return [h.after ? `, after ${formatDuration(parseDuration(h.after))}, ${words}` : ` and ${words}`];
  });
  return `contacts who ${base}${tests.map((t) => (t.startsWith(',') ? ` and${t}` : t)).join('')}`;
}

function routeDelay(route: Route, label: (id: string) => string): string {
  const anchor = route.from === null ? 'entry' : `the previous email (“${label(route.from)}”)`;
  const parts: string[] = [];
  let pending: Duration | undefined;
  const flush = () => {
    if (pending) parts.push(`${formatDuration(pending)} after ${parts.length ? 'that' : anchor}`);
    pending = undefined;
  };
  const add = (d: Duration) => {
    if (pending && pending.unit === d.unit) {
      pending = { unit: d.unit, amount: pending.amount + d.amount };
      return;
    }
    flush();
    pending = d;
  };
  for (const hop of route.hops) {
    if (hop.kind !== 'wait') continue;
    const words = waitWords(hop.step, hop.label, { label, previous: route.from });
    if (typeof words !== 'string') {
      add(words);
      continue;
    }
    flush();
    parts.push(words);
  }
  flush();
  return parts.length ? parts.join(', then ') : route.from === null ? 'as soon as the contact enters' : `right after ${anchor}`;
}

/** A duration to add up, or words for a wait that does not count from the previous step. */
function waitWords(step: Step, label: string, naming: Naming): Duration | string {
  switch (step.type) {
    case 'wait': {
      if (step.for) return parseDuration(step.for);
      if (typeof step.until === 'string') return `on ${step.until.replace('T', ' at ')} (at once if later)`;
      const until = step.until!;
      const shift = until.before ? `${formatDuration(parseDuration(until.before))} before ` : until.after ? `${formatDuration(parseDuration(until.after))} after ` : 'on ';
      return `${shift}the contact's ${until.field}`;
    }
    case 'wait-for':
      return label === 'met'
        ? `as soon as they ${whoWords(step.condition, naming)} (at most ${formatDuration(parseDuration(step.timeout))})`
        : parseDuration(step.timeout);
    case 'task':
      return `once the task “${step.title}” is done`;
    default:
      return '';
  }
}

/** Sends wait for the scenario's window: said once, after the delay. */
function windowWords({ spec }: Scenario): string {
  const s = spec.schedule;
  if (!s || !(s.days?.length || s.hours?.length || s.businessDays || s.holidays?.length)) return '';
  const parts = [s.businessDays ? 'business days' : s.days?.join(' '), s.hours?.join(', ')].filter(Boolean);
  return ` — then it waits for the sending window (${parts.join(', ') || 'every day'}${s.holidays?.length ? ', holidays off' : ''}, ${s.timezone ?? 'UTC'})`;
}

function joinRoutes(words: string[], none: string): string {
  const distinct = [...new Set(words)];
  return distinct.length ? distinct.join('; or ') : none;
}
