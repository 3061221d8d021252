import { compileScenario } from '../../src/compile/compile-scenario.js';
import { addFlag, parseEngagement, type ContactState, type FlagKind } from '../../src/conditions/contact-state.js';
import { walk, type WalkResult } from '../../src/execute/walk.js';
import type { Outcome, Scenario, Step } from '../../src/schema/scenario.gen.js';
import { SendWindow } from '../../src/time/window.js';

/** A synthetic contact: what it reacts to, when it submits the form, its fields. */
export interface Behaviour {
  /** Email step ids the contact opens and clicks, the moment they are sent. */
  reacts: Iterable<string>;
  /** The email step whose sending makes the contact submit the form (never when absent or null). */
  formAfter?: string | null;
  fields?: Record<string, unknown>;
}

export interface RunResult {
  /** Email step ids sent, in order. */
  sent: string[];
  /** Every step id passed, in order. */
  path: string[];
  /** The exit step the run ended on (null: it ran off a `to: null` edge). */
  exit: string | null;
  outcome: Outcome;
}

const T0 = Date.UTC(2026, 0, 5);

/**
 * Runs one contact through a step list with the engine's own `walk`, as the worker would: every
 * email and webhook succeeds and a task is done at once; a wait is over when the next pass comes,
 * which is its due time. The contact does what `behaviour` says when an email goes out, so the
 * steps passed in the same instant as the email (no wait in between) do not see it yet, as in the
 * engine. Throws on a run that errs (an unknown step) or that passes more than `maxSteps` steps.
 */
export function runWalk(steps: readonly Step[], behaviour: Behaviour, maxSteps = 10_000): RunResult {
  const scenario: Scenario = {
    apiVersion: 'relance/v1', kind: 'Scenario', metadata: { name: 'run-walk' },
    spec: { entry: { lists: ['l'] }, sender: { email: 'a@acme.test' }, steps: [...steps] as Scenario['spec']['steps'] },
  };
  const graph = compileScenario(scenario);
  if (!graph) throw new Error('runWalk: no steps');
  const window = new SendWindow();
  const reacts = new Set(behaviour.reacts);
  const contact: ContactState = { id: '1', email: 'c@x.test', fields: { ...behaviour.fields }, engagement: parseEngagement(null), suppressed: false };
  const sent: string[] = [];
  const path: string[] = [];
  const send = (id: string): void => {
    sent.push(id);
    const kinds: FlagKind[] = reacts.has(id) ? ['received', 'delivered', 'opened', 'clicked'] : ['received', 'delivered'];
    for (const kind of kinds) addFlag(contact.engagement, kind, id);
    if (behaviour.formAfter === id) contact.engagement.f = 1;
  };
  const finish = (step: string, r: { status: WalkResult['status']; outcome?: Outcome; reason?: string }): RunResult => {
    if (r.status === 'error') throw new Error(`runWalk: ${r.reason ?? 'error'}`);
    const exit = graph.steps[step]?.step.type === 'exit' ? step : null;
    return { sent, path, exit, outcome: r.outcome ?? 'end' };
  };

  let at = graph.entry;
  let since = T0;
  let now = T0;
  while (path.length <= maxSteps) {
    const r = walk({ graph, scenario, contact, step: at, since, now, window });
    path.push(...r.passed);
    if (r.fields) Object.assign(contact.fields, r.fields);
    if (r.passed.length > 0) since = now;
    if (r.effect?.kind === 'email') send(r.effect.step.id);
    if (r.effect?.kind === 'task') {
      // Done at once: on along its `done` edge.
      const next = graph.steps[r.step]!.edges[0]?.to ?? null;
      path.push(r.step);
      if (next === null) return finish(r.step, { status: 'finished' });
      at = next;
      since = now;
      continue;
    }
    const to = r.after ?? r;
    if (to.status !== 'waiting') return finish(to.step, to);
    at = to.step;
    now = Math.max(now, to.due);
  }
  throw new Error(`runWalk: more than ${maxSteps} steps, the graph loops`);
}
