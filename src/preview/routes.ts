import type { StepGraph } from '../schema/compiled.js';
import type { Condition, Step } from '../schema/scenario.gen.js';

/** Something on the way to an email: a test the contact passed, or time that passed. */
export type Hop =
  | { kind: 'condition'; condition: Condition; within?: string; after?: string }
  | { kind: 'wait'; step: Step; label: string };

/** One way a contact reaches an email: from entry (`from: null`) or the email before it. */
export interface Route {
  from: string | null;
  /** In the order the contact meets them. */
  hops: Hop[];
}

const MAX_ROUTES = 6;

/**
 * The ways into an email step, walked backwards through the graph until the previous email or
 * the entry: the conditions that let a contact through and the waits on the way. Loops are cut
 * (a step appears once per route) and at most a few routes are kept, for reading, not proof.
 */
export function routesTo(graph: StepGraph, target: string): Route[] {
  const preds = new Map<string, Array<{ from: string; label: string }>>();
  for (const id of graph.order) {
    for (const e of graph.steps[id]!.edges) {
      if (e.to === null) continue;
      const into = preds.get(e.to) ?? [];
      into.push({ from: id, label: e.label });
      preds.set(e.to, into);
    }
  }
  const routes: Route[] = [];
  const walk = (node: string, hops: Hop[], seen: Set<string>): void => {
    if (node === graph.entry) routes.push({ from: null, hops });
    for (const { from, label } of preds.get(node) ?? []) {
      if (routes.length >= MAX_ROUTES) return;
      if (seen.has(from)) continue;
      const step = graph.steps[from]!.step;
      const here = [...hopsOf(step, label), ...hops];
      if (step.type === 'email') routes.push({ from, hops: here });
      else walk(from, here, new Set(seen).add(from));
    }
  };
  walk(target, [], new Set([target]));
  return dedupe(routes);
}

/** What passing through `step` along the edge `label` says about the contact, or the time. */
function hopsOf(step: Step, label: string): Hop[] {
  switch (step.type) {
    case 'condition':
      return [{ kind: 'condition', condition: label === 'then' ? step.if : { not: step.if } }];
    case 'branch': {
      if (label !== 'default') return [{ kind: 'condition', condition: step.cases[Number(label.slice(5)) - 1]!.when }];
      const whens = step.cases.map((c) => c.when);
      return [{ kind: 'condition', condition: { not: whens.length === 1 ? whens[0]! : { any: whens as [Condition, ...Condition[]] } } }];
    }
    case 'wait-for':
      // Met: the condition came true while waiting; timeout: it had not, when the time was up.
      return [
        label === 'met' ? { kind: 'condition', condition: step.condition, within: step.timeout } : { kind: 'condition', condition: { not: step.condition }, after: step.timeout },
        { kind: 'wait', step, label },
      ];
    case 'wait':
    case 'task':
      return [{ kind: 'wait', step, label }];
    default:
      return [];
  }
}

function dedupe(routes: Route[]): Route[] {
  const seen = new Set<string>();
  return routes.filter((r) => {
    const key = JSON.stringify([r.from, r.hops.map((h) => (h.kind === 'wait' ? [h.step.id, h.label] : h.condition))]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
