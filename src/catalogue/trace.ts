import type { Edge } from '../compile/graph.js';
import { evaluate, type ContactView, type EngagementKind } from '../conditions/evaluate.js';
import type { Outcome, Step } from '../schema/scenario.gen.js';
import { stepDefinition } from '../steps/index.js';

/** A synthetic contact: what it reacts to, when it submits the form, its fields. */
export interface Behaviour {
  /** Email step ids the contact opens or clicks, once it is sent them. */
  reacts: Iterable<string>;
  /** The email step after which the contact submits the form (never when absent or null). */
  formAfter?: string | null;
  fields?: Record<string, unknown>;
}

export interface TraceResult {
  /** Email step ids sent, in order. */
  sent: string[];
  /** Every step id visited, in order. */
  path: string[];
  /** The exit step the run ended on (null: it ran off a `to: null` edge). */
  exit: string | null;
  outcome: Outcome;
}

/** Email step ids a contact with this behaviour is sent, in order. */
export function trace(steps: readonly Step[], behaviour: Behaviour): string[] {
  return traceRun(steps, behaviour).sent;
}

/**
 * Walks a step list for one contact, without time: waits pass at once, conditions see what the
 * contact did so far. Pure; throws on an unknown target or a run longer than `maxSteps`.
 */
export function traceRun(steps: readonly Step[], behaviour: Behaviour, maxSteps = 10_000): TraceResult {
  const byId = new Map<string, { step: Step; fallthrough: string | null }>();
  steps.forEach((step, i) => {
    if (!byId.has(step.id)) byId.set(step.id, { step, fallthrough: steps[i + 1]?.id ?? null });
  });
  const reacts = new Set(behaviour.reacts);
  const sent: string[] = [];
  const path: string[] = [];
  const view = contactView(behaviour, reacts, sent);

  let current: string | null = steps[0]?.id ?? null;
  while (current !== null) {
    if (path.length >= maxSteps) throw new Error(`trace: more than ${maxSteps} steps, the graph loops`);
    const entry = byId.get(current);
    if (!entry) throw new Error(`trace: step "${current}" does not exist`);
    const { step, fallthrough } = entry;
    path.push(step.id);
    if (step.type === 'exit') return { sent, path, exit: step.id, outcome: step.outcome ?? 'end' };
    if (step.type === 'email') sent.push(step.id);
    current = choose(step, stepDefinition(step).edges(step, fallthrough), view);
  }
  return { sent, path, exit: null, outcome: 'end' };
}

/** The edge a contact takes; steps with one outgoing edge just follow it. */
function choose(step: Step, edges: Edge[], view: ContactView): string | null {
  const pick = (i: number): string | null => edges[i]?.to ?? null;
  switch (step.type) {
    case 'condition': return pick(evaluate(step.if, view) ? 0 : 1);
    case 'wait-for': return pick(evaluate(step.condition, view) ? 0 : 1);
    case 'branch': {
      const i = step.cases.findIndex((c) => evaluate(c.when, view));
      return pick(i < 0 ? step.cases.length : i);
    }
    default: return pick(0);
  }
}

/** Engagement counts only with an email the contact was sent; the form only after `formAfter`. */
function contactView(behaviour: Behaviour, reacts: ReadonlySet<string>, sent: readonly string[]): ContactView {
  const wasSent = (id: string): boolean => sent.includes(id);
  const did = (kind: EngagementKind, id: string): boolean => {
    if (!wasSent(id)) return false;
    if (kind === 'received' || kind === 'delivered') return true;
    if (kind === 'opened' || kind === 'clicked' || kind === 'reacted') return reacts.has(id);
    return false; // synthetic contacts never reply or bounce
  };
  return {
    field: (name) => behaviour.fields?.[name],
    engaged: (kind, stepId) => (stepId === 'any' ? sent.some((id) => did(kind, id)) : did(kind, stepId)),
    formSubmitted: () => behaviour.formAfter != null && wasSent(behaviour.formAfter),
  };
}
