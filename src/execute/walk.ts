import type { CompiledStep, StepGraph } from '../schema/compiled.js';
import { contactView, hasFlag, type ContactState, type Engagement } from '../conditions/contact-state.js';
import { evaluate } from '../conditions/evaluate.js';
import type { Outcome, Scenario } from '../schema/scenario.gen.js';
import { stepDefinition } from '../steps/index.js';
import type { Effect, StepDefinition, Transition } from '../steps/types.js';
import type { SendWindow } from '../time/window.js';

/** One contact at one instant: where it is in its version's graph, and since when. */
export interface WalkInput {
  graph: StepGraph;
  scenario: Scenario;
  contact: ContactState;
  /** The step the contact is at, and when it arrived there (epoch ms). */
  step: string;
  since: number;
  now: number;
  window: SendWindow;
}

/** Where a contact ends up after one pass, and what must happen for it to get there. */
export interface WalkResult {
  /** The step the contact is at after the pass (for an effect: the step of the effect). */
  step: string;
  status: 'waiting' | 'finished' | 'replied' | 'error';
  /** When to look at the contact again (epoch ms); 0: nothing scheduled (finished, task). */
  due: number;
  effect?: Effect;
  /** After the effect succeeds: where the contact goes, and when. */
  after?: { step: string; status: WalkResult['status']; due: number; outcome?: Outcome; reason?: string };
  outcome?: Outcome;
  reason?: string;
  /** Field changes made by score and update steps on the way. */
  fields?: Record<string, unknown>;
  /** Steps passed through (for the live view and reports), the effect's step included. */
  passed: string[];
  /** How many of `passed` come before the effect: all that counts if the effect fails. */
  beforeEffect: number;
}

const MAX_STEPS = 200;

/**
 * Advances one contact through its version's graph at `now`, as far as it can go without
 * waiting for time, a person, or an email or webhook to go out. What each step does is its
 * own `run` (steps/); this loop adds the exit rules, the one-effect rule and a loop guard.
 * Pure: no I/O, no clock, and the input is left as it was.
 */
export function walk(input: WalkInput): WalkResult {
  const { graph, scenario, contact, step: at, since, now, window } = input;
  const passed: string[] = [];
  let fields: Record<string, unknown> | undefined;
  let engagement: Engagement = contact.engagement;
  let current: string | null = at;
  let enteredAt = since;
  let effect: Effect | undefined;
  let effectStep = at;
  let beforeEffect = 0;
  const done = (result: Omit<WalkResult, 'passed' | 'fields' | 'beforeEffect'>): WalkResult => {
    if (!effect) return { ...result, passed, fields, beforeEffect: passed.length };
    const { effect: _e, ...after } = result;
    return { step: effectStep, status: 'waiting', due: now, effect, after: { step: after.step, status: after.status, due: after.due, outcome: after.outcome, reason: after.reason }, passed, fields, beforeEffect };
  };
  for (let guard = 0; guard < MAX_STEPS; guard++) {
    if (current === null) return done({ step: passed.at(-1) ?? at, status: 'finished', due: 0, outcome: 'end' });
    const compiled: CompiledStep | undefined = graph.steps[current];
    if (!compiled) return done({ step: current, status: 'error', due: 0, reason: `step "${current}" is not in this version` });
    const exit = exitRule(scenario, contact, engagement);
    if (exit) return done({ step: current, status: exit.status, due: 0, outcome: exit.outcome, reason: exit.reason });
    const definition: StepDefinition = stepDefinition(compiled.step);
    // One effect per pass: the worker does it before the contact reaches another.
    if (effect && definition.effect) return done({ step: current, status: 'waiting', due: now });
    const seen = fields || engagement !== contact.engagement
      ? { ...contact, engagement, fields: fields ? { ...contact.fields, ...fields } : contact.fields }
      : contact;
    const t: Transition = definition.run(compiled.step, {
      contact, changes: fields, engagement, view: contactView(seen),
      edge: (label) => compiled.edges.find((e) => e.label === label)?.to ?? null,
      enteredAt, now, window,
    });
    if ('wait' in t) return done({ step: current, status: 'waiting', due: t.wait });
    if ('end' in t) {
      if (t.passed) passed.push(current);
      const { status, ...ending } = t.end;
      return done({ step: current, status, due: 0, ...ending });
    }
    let to: string | null;
    if ('effect' in t) {
      effect = t.effect;
      effectStep = current;
      // No way on: parked here (a task) until a person is done with it.
      if (t.then === undefined) return { step: current, status: 'waiting', due: 0, effect, passed, fields, beforeEffect: passed.length };
      if (t.engagement) engagement = t.engagement;
      beforeEffect = passed.length;
      to = t.then;
    } else {
      if (t.fields) fields = { ...fields, ...t.fields };
      to = t.go;
    }
    passed.push(current);
    current = to;
    enteredAt = now;
  }
  return done({ step: current ?? at, status: 'error', due: 0, reason: `more than ${MAX_STEPS} steps in one instant: a loop without a wait` });
}

/** Scenario-wide exit rules (SPEC 3.3), checked before every step. */
function exitRule(scenario: Scenario, contact: ContactState, engagement: Engagement): { status: 'replied' | 'finished'; outcome: Outcome; reason: string } | undefined {
  const rules = scenario.spec.exitOn ?? ['reply', 'unsubscribe', 'bounce'];
  for (const rule of rules) {
    if (rule === 'reply' && hasFlag(engagement, 'replied', 'any')) return { status: 'replied', outcome: 'success', reason: 'replied' };
    if (rule === 'unsubscribe' && contact.suppressed) return { status: 'finished', outcome: 'end', reason: 'unsubscribed' };
    if (rule === 'bounce' && hasFlag(engagement, 'bounced', 'any')) return { status: 'finished', outcome: 'failure', reason: 'bounced' };
    if (rule === 'form' && engagement.f === 1) return { status: 'finished', outcome: 'success', reason: 'form submitted' };
    if (rule === 'conversion' && engagement.v === 1) return { status: 'finished', outcome: 'success', reason: 'converted' };
    // Contact fields as saved: changes made in this pass are not seen here.
    if (typeof rule === 'object' && evaluate(rule.when, contactView({ ...contact, engagement }))) return { status: 'finished', outcome: rule.outcome ?? 'end', reason: 'exit rule' };
  }
  // Whatever the rules say, a suppressed address is never sent to again (SPEC 3.3).
  if (contact.suppressed) return { status: 'finished', outcome: 'end', reason: 'suppressed' };
  return undefined;
}
