import type { StepGraph } from '../compile/graph.js';
import { parseDuration } from '../compile/duration.js';
import { evaluate } from '../conditions/evaluate.js';
import type { EmailStep, Outcome, Scenario, Step, WebhookStep, TaskStep } from '../schema/scenario.gen.js';
import { addDuration, resolveWait } from '../time/durations.js';
import type { SendWindow } from '../time/window.js';
import { addFlag, contactView, hasFlag, type ContactState } from './contact-state.js';

/** A side effect the worker performs for a contact before it can go on. */
export type Effect =
  | { kind: 'email'; step: EmailStep }
  | { kind: 'webhook'; step: WebhookStep }
  | { kind: 'task'; step: TaskStep };

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
 * waiting for time, a person, or an email or webhook to go out. Pure: no I/O, no clock.
 */
export function walk(graph: StepGraph, scenario: Scenario, contact: ContactState, at: string, since: number, now: number, window: SendWindow): WalkResult {
  const passed: string[] = [];
  let fields: Record<string, unknown> | undefined;
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
    const compiled = graph.steps[current];
    if (!compiled) return done({ step: current, status: 'error', due: 0, reason: `step "${current}" is not in this version` });
    const exit = exitRule(scenario, contact);
    if (exit) return done({ step: current, status: exit.status, due: 0, outcome: exit.outcome, reason: exit.reason });
    const step: Step = compiled.step;
    const next = (label: string): string | null => compiled.edges.find((e) => e.label === label)?.to ?? null;
    const view = contactView(fields ? { ...contact, fields: { ...contact.fields, ...fields } } : contact);
    const move = (to: string | null) => { passed.push(current!); current = to; enteredAt = now; };
    switch (step.type) {
      case 'condition':
        move(next(evaluate(step.if, view) ? 'then' : 'else'));
        continue;
      case 'branch': {
        const i = step.cases.findIndex((c) => evaluate(c.when, view));
        move(i >= 0 ? step.cases[i]!.next : next('default'));
        continue;
      }
      case 'score': {
        if (!step.when || evaluate(step.when, view)) {
          const score = Number((fields?.score ?? contact.fields.score) ?? 0) || 0;
          fields = { ...fields, score: score + step.points };
        }
        move(next('next'));
        continue;
      }
      case 'update': {
        const changes: Record<string, unknown> = { ...fields };
        for (const [k, v] of Object.entries(step.set ?? {})) changes[k] = v;
        for (const k of step.unset ?? []) changes[k] = null;
        const tags = new Set(tagList(changes.tags ?? contact.fields.tags));
        for (const t of step.addTags ?? []) tags.add(t);
        for (const t of step.removeTags ?? []) tags.delete(t);
        if (step.addTags || step.removeTags) changes.tags = [...tags].join(',');
        fields = changes;
        move(next('next'));
        continue;
      }
      case 'exit':
        passed.push(current);
        return done({ step: current, status: 'finished', due: 0, outcome: step.outcome ?? 'end' });
      case 'wait': {
        const until = resolveWait(step, new Date(enteredAt), (name) => view.field(name), window);
        if (!(until instanceof Date)) return done({ step: current, status: 'error', due: 0, reason: until.error });
        if (until.getTime() > now) return done({ step: current, status: 'waiting', due: until.getTime() });
        move(next('next'));
        continue;
      }
      case 'wait-for': {
        if (evaluate(step.condition, view)) { move(next('met')); continue; }
        const deadline = addDuration(new Date(enteredAt), parseDuration(step.timeout), window).getTime();
        if (deadline > now) return done({ step: current, status: 'waiting', due: deadline });
        move(next('timeout'));
        continue;
      }
      case 'email':
      case 'webhook':
      case 'task': {
        if (effect) return done({ step: current, status: 'waiting', due: now });
        if (step.type === 'email') {
          const open = window.nextOpen(new Date(now));
          if (!open) return done({ step: current, status: 'finished', due: 0, outcome: 'end', reason: 'the schedule has ended' });
          if (open.getTime() > now) return done({ step: current, status: 'waiting', due: open.getTime() });
          effect = { kind: 'email', step };
          // Steps after the email may test it: it counts as received if the send succeeds.
          addFlag(contact.engagement, 'received', step.id);
        } else if (step.type === 'webhook') {
          effect = { kind: 'webhook', step };
        } else {
          // A task parks the contact until a person marks it done.
          effect = { kind: 'task', step };
          effectStep = current;
          return { step: current, status: 'waiting', due: 0, effect, passed, fields, beforeEffect: passed.length };
        }
        effectStep = current;
        beforeEffect = passed.length;
        move(next('next'));
        continue;
      }
    }
  }
  return done({ step: current ?? at, status: 'error', due: 0, reason: `more than ${MAX_STEPS} steps in one instant: a loop without a wait` });
}

/** Scenario-wide exit rules (SPEC 3.3), checked before every step. */
function exitRule(scenario: Scenario, contact: ContactState): { status: 'replied' | 'finished'; outcome: Outcome; reason: string } | undefined {
  const rules = scenario.spec.exitOn ?? ['reply', 'unsubscribe', 'bounce'];
  for (const rule of rules) {
    if (rule === 'reply' && hasFlag(contact.engagement, 'replied', 'any')) return { status: 'replied', outcome: 'success', reason: 'replied' };
    if (rule === 'unsubscribe' && contact.suppressed) return { status: 'finished', outcome: 'end', reason: 'unsubscribed' };
    if (rule === 'bounce' && hasFlag(contact.engagement, 'bounced', 'any')) return { status: 'finished', outcome: 'failure', reason: 'bounced' };
    if (rule === 'form' && contact.engagement.f === 1) return { status: 'finished', outcome: 'success', reason: 'form submitted' };
    if (rule === 'conversion' && contact.engagement.v === 1) return { status: 'finished', outcome: 'success', reason: 'converted' };
    if (typeof rule === 'object' && evaluate(rule.when, contactView(contact))) return { status: 'finished', outcome: rule.outcome ?? 'end', reason: 'exit rule' };
  }
  // Whatever the rules say, a suppressed address is never sent to again (SPEC 3.3).
  if (contact.suppressed) return { status: 'finished', outcome: 'end', reason: 'suppressed' };
  return undefined;
}

function tagList(tags: unknown): string[] {
  if (Array.isArray(tags)) return tags.map(String);
  return typeof tags === 'string' && tags ? tags.split(/[,;|]/).map((t) => t.trim()).filter(Boolean) : [];
}
