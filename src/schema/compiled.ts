import type { Schedule, Step } from './scenario.gen.js';

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

/**
 * A scenario's `schedule`, resolved once when its version is compiled and stored with the version:
 * the zone (UTC when none is given), entry bounds as instants, and the send window's rules.
 */
export interface CompiledSchedule {
  zone: string;
  /** `start`, epoch seconds: nobody is admitted (scheduled) before it. */
  start?: number;
  /** `end`, epoch seconds: nobody enters from then on; those in finish their run. */
  end?: number;
  /** When sends may go out: days, hours, business days, holidays, in `zone`. */
  window: Schedule;
}
