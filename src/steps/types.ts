import type { Edge } from '../schema/compiled.js';
import type { ContactState, Engagement } from '../conditions/contact-state.js';
import type { ContactView } from '../conditions/evaluate.js';
import type { Severity } from '../diagnostics/diagnostic.js';
import type { Condition, EmailStep, Outcome, Scenario, Step, TaskStep, WebhookStep } from '../schema/scenario.gen.js';
import type { TemplateStore } from '../templates/template-store.js';
import type { SendWindow } from '../time/window.js';

/**
 * What relance knows about one step type. Each type lives in its own folder with this shape,
 * and `steps/index.ts` registers them all in one map.
 */
export interface StepDefinition<S extends Step = Step> {
  type: S['type'];
  /** Outgoing edges; `fallthrough` is the following step in the list (null after the last). */
  edges(step: S, fallthrough: string | null): Edge[];
  /** Whether a contact stays here for time to pass or a person to act (breaks a loop). */
  waits(step: S): boolean;
  /** Whether the step has the worker do something (send, call, task): one such step per pass. */
  effect: boolean;
  /** The conditions the step evaluates, with their JSON pointer suffix. */
  conditions(step: S): Array<{ condition: Condition; at: string }>;
  /** One line for `relance explain` and the plan. */
  summary(step: S): string;
  /** What the step does with a contact at one instant. Pure: no I/O, no clock. */
  run(step: S, ctx: StepContext): Transition;
  /** Checks of this step alone that the JSON Schema cannot express (graph-wide ones are rules). */
  validate?(step: S, ctx: StepCheckContext): void;
}

/** A side effect the worker performs for a contact before it can go on. */
export type Effect =
  | { kind: 'email'; step: EmailStep }
  | { kind: 'webhook'; step: WebhookStep }
  | { kind: 'task'; step: TaskStep };

/** How a run ends at a step. */
export interface Ending {
  status: 'finished' | 'error';
  outcome?: Outcome;
  reason?: string;
}

/**
 * What a step does with a contact at one instant:
 * - `go`: on along an edge (null: the run ends, outcome end), with the field changes made here;
 * - `wait`: stays here until `wait` (epoch ms);
 * - `end`: the run ends here; `passed` when the step itself was carried out (an exit);
 * - `effect`: the worker does something first, then the contact goes on to `then`; without
 *   `then` it stays here (a task, until a person marks it done). `engagement`: what the steps
 *   after it may assume, as if the effect succeeds.
 */
export type Transition =
  | { go: string | null; fields?: Record<string, unknown> }
  | { wait: number }
  | { end: Ending; passed?: true }
  | { effect: Effect; then?: string | null; engagement?: Engagement };

/** What a step sees of the contact and of the walk that brought it there. */
export interface StepContext {
  /** The contact as loaded for this pass. */
  contact: ContactState;
  /** Field changes made earlier in this pass (score, update), not saved yet. */
  changes: Record<string, unknown> | undefined;
  /** The engagement as this pass knows it: the contact's, plus an email sent earlier in it. */
  engagement: Engagement;
  /** What conditions see: the contact with `changes` and `engagement`. */
  view: ContactView;
  /** Where this step's edge with `label` leads (null: nowhere, the run ends). */
  edge(label: string): string | null;
  /** When the contact arrived at this step, and the instant of the pass (epoch ms). */
  enteredAt: number;
  now: number;
  window: SendWindow;
}

/** What a step's own checks see; a validation rule's context fits, plus the step's pointer. */
export interface StepCheckContext {
  scenario: Scenario;
  /** The scenario file's folder: template paths are relative to it. */
  dir: string;
  templates: TemplateStore;
  /** JSON pointer of what the author wrote for this step. */
  source: string;
  error(pointer: string, code: string, message: string, options?: { onKey?: boolean }): void;
  warn(pointer: string, code: string, message: string, options?: { onKey?: boolean }): void;
  /** A problem inside another file (an email template), at its own line and column. */
  reportIn(file: string, line: number, column: number, severity: Severity, code: string, message: string): void;
}

/** Builds an edge list, dropping nothing: an unset target falls through. */
export function edge(label: string, target: string | undefined, fallthrough: string | null): Edge {
  return { label, to: target ?? fallthrough };
}
