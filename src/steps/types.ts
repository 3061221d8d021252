import type { Edge } from '../compile/graph.js';
import type { Condition, Step } from '../schema/scenario.gen.js';

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
  /** The conditions the step evaluates, with their JSON pointer suffix. */
  conditions(step: S): Array<{ condition: Condition; at: string }>;
  /** One line for `relance explain` and the plan. */
  summary(step: S): string;
}

/** Builds an edge list, dropping nothing: an unset target falls through. */
export function edge(label: string, target: string | undefined, fallthrough: string | null): Edge {
  return { label, to: target ?? fallthrough };
}
