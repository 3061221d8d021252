import type { ScenarioState } from '../state/scenario-store.js';
import type { DesiredScenario } from './desired-state.js';

export type Action = 'create' | 'update' | 'pause' | 'resume' | 'archive' | 'keep' | 'unchanged';

export interface StepChange {
  id: string;
  change: 'added' | 'removed' | 'changed';
  /** For `changed`: which properties differ, with before → after when short. */
  details: string[];
  /** Enrolled contacts in progress that are at this step or can still reach it. */
  touched: number;
}

export interface ScenarioChange {
  name: string;
  file?: string;
  actions: Action[];
  from?: { digest: string; state: ScenarioState; revision: string };
  to?: { digest: string; state: ScenarioState };
  /** The version to write, for create and update: apply writes exactly what was planned. */
  desired?: DesiredScenario;
  steps: StepChange[];
  specChanges: string[];
  /** For a changed campaign (`spec.campaigns.<key>`), what changed in it: `delay: 4 days → 6 days`. */
  specDetails?: Record<string, string[]>;
  /** Contacts in progress, and how the update treats them. */
  enrolled: number;
  strategy?: 'pin' | 'migrate';
  /** Contacts on steps the new version removes, with no stepMap entry (migrate only). */
  stranded: number;
  /** On create: contacts of the lists with a valid, not suppressed address (SPEC 3.1). */
  affected?: number;
  drift: string[];
  notes: string[];
}

/** `plan --base REV`: the plan compares files at a git revision, not the running state. */
export interface PlanBase {
  /** The revision as given (`HEAD~1`, `origin/main`, a sha). */
  revision: string;
  commit: string;
  kind: 'files';
  /** Base files that did not validate at that revision: counted as absent. */
  invalid: string[];
}

export interface Plan {
  format: 1;
  createdAt: string;
  revision: string;
  /** Present when the plan is a diff of files (`plan --base`): no Redis was read, no counts. */
  base?: PlanBase;
  /** The running state's `state-rev` the plan was computed against. */
  basis: number;
  prefix: string;
  prune: boolean;
  changes: ScenarioChange[];
  problems: string[];
}

export function hasChanges(plan: Plan): boolean {
  return plan.changes.some((c) => !c.actions.includes('unchanged'));
}
