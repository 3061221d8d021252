import type { Step } from '../schema/scenario.gen.js';

export type StepType = Step['type'];

/** An outgoing transition of a step. `to: null` ends the contact's run (outcome `end`). */
export interface Edge {
  /** What takes this edge: `next`, `then`, `else`, `case 1`, `default`, `timeout`. */
  label: string;
  to: string | null;
}

export interface CompiledStep<S extends Step = Step> {
  id: string;
  /** The step as written (or as expanded from a catalogue template), defaults filled in. */
  step: S;
  edges: Edge[];
  /** JSON pointer of what the author wrote for this step, to point errors at it. */
  source: string;
}

/**
 * The compiled form of a scenario: every contact starts at `entry` and follows edges.
 * `order` keeps the authoring order (plans and diagrams list steps in it).
 */
export interface StepGraph {
  entry: string;
  order: string[];
  steps: Record<string, CompiledStep>;
}
