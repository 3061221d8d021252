import { stepDefinition } from '../../steps/index.js';
import { didYouMean } from '../../util/did-you-mean.js';
import type { Rule } from '../rule-context.js';

/** A scenario says what it runs: its own steps or a catalogue template, not both. */
export const stepsOrTemplate: Rule = ({ scenario, error }) => {
  const { spec } = scenario;
  if (spec.steps && spec.template) error('/spec/template', 'steps-and-template', 'give either `steps` or `template`, not both');
  else if (!spec.steps && !spec.template) error('/spec', 'no-steps', 'the scenario has nothing to run: add `steps`, or a `template` with its `campaigns`');
  if (spec.steps && spec.campaigns) error('/spec/campaigns', 'campaigns-without-template', '`campaigns` only applies to a catalogue `template`');
  if (spec.steps && spec.segments) error('/spec/segments', 'segments-without-template', '`segments` only applies to the hyper-personalized template');
};

export const duplicateStepIds: Rule = ({ scenario, error }) => {
  const seen = new Map<string, number>();
  scenario.spec.steps?.forEach((step, i) => {
    const first = seen.get(step.id);
    if (first === undefined) seen.set(step.id, i);
    else error(`/spec/steps/${i}/id`, 'duplicate-step-id', `step id "${step.id}" is already used by step ${first + 1}; step ids must be unique`);
  });
};

/** Every `next`, `then`, `else`, case and timeout names a step that exists. */
export const unknownStepReferences: Rule = ({ graph, error }) => {
  if (!graph) return;
  const ids = Object.keys(graph.steps);
  for (const id of graph.order) {
    const { step, source } = graph.steps[id]!;
    for (const [key, target] of targetsOf(step as unknown as Record<string, unknown>)) {
      if (!graph.steps[target]) error(`${source}${key}`, 'unknown-step', `goes to step "${target}", which does not exist${suggest(target, ids)}`);
    }
  }
};

function targetsOf(step: Record<string, unknown>): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const key of ['next', 'then', 'else', 'default', 'onTimeout']) {
    if (typeof step[key] === 'string') out.push([`/${key}`, step[key] as string]);
  }
  if (Array.isArray(step.cases)) step.cases.forEach((c: { next: string }, i) => out.push([`/cases/${i}/next`, c.next]));
  return out;
}

function suggest(target: string, ids: string[]): string {
  const guess = didYouMean(target, ids);
  return guess ? ` (did you mean "${guess}"?)` : `; steps are: ${ids.join(', ')}`;
}

export const unreachableSteps: Rule = ({ graph, error }) => {
  if (!graph) return;
  const seen = new Set<string>([graph.entry]);
  const queue = [graph.entry];
  while (queue.length > 0) {
    for (const e of graph.steps[queue.shift()!]?.edges ?? []) {
      if (e.to && !seen.has(e.to) && graph.steps[e.to]) { seen.add(e.to); queue.push(e.to); }
    }
  }
  for (const id of graph.order) {
    if (!seen.has(id)) error(`${graph.steps[id]!.source}/id`, 'unreachable-step', `no contact can ever reach step "${id}": nothing leads to it (the step before it exits or jumps elsewhere)`);
  }
};

/** A loop with no wait, wait-for or task in it would spin a contact forever in one instant. */
export const cyclesWithoutWait: Rule = ({ graph, error }) => {
  if (!graph) return;
  // Only non-waiting steps matter: a cycle among them has no wait. Find one with a DFS.
  const instant = new Set(graph.order.filter((id) => !stepDefinition(graph.steps[id]!.step).waits(graph.steps[id]!.step)));
  const state = new Map<string, 'open' | 'done'>();
  const reported = new Set<string>();
  const visit = (id: string, trail: string[]): void => {
    state.set(id, 'open');
    for (const e of graph.steps[id]!.edges) {
      if (!e.to || !instant.has(e.to)) continue;
      if (state.get(e.to) === 'open') {
        const loop = [...trail.slice(trail.indexOf(e.to)), e.to];
        if (!reported.has(e.to)) {
          reported.add(e.to);
          error(`${graph.steps[id]!.source}/id`, 'cycle-without-wait', `steps ${loop.join(' → ')} loop with no wait in between: a contact would go round forever; add a wait step to the loop`);
        }
      } else if (!state.has(e.to)) visit(e.to, [...trail, e.to]);
    }
    state.set(id, 'done');
  };
  for (const id of instant) if (!state.has(id)) visit(id, [id]);
};
