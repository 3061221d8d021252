import { IN_PROGRESS, type CountRow, type ScenarioRecord, type ScenarioState, type VersionRecord } from '../state/scenario-store.js';
import type { DesiredScenario } from './desired-state.js';
import { campaignDetails, changedSpec, diffSteps, positionsIn } from './diff-steps.js';
import type { Plan, ScenarioChange } from './types.js';

/** What relance knows of the running state, read once before planning. */
export interface RunningSnapshot {
  basis: number;
  prefix: string;
  records: Map<string, ScenarioRecord>;
  /** The current version of each scenario. */
  versions: Map<string, VersionRecord>;
  counts: Map<string, CountRow[]>;
}

export interface PlanInput {
  desired: DesiredScenario[];
  running: RunningSnapshot;
  revision: string;
  prune: boolean;
  /** Contacts a new list scenario would enrol (valid, not suppressed), by scenario name. */
  affected: Map<string, number>;
  now?: Date;
}

/** Desired (files) against running (Redis): what `apply` would do. Pure, so plans are testable. */
export function computePlan(input: PlanInput): Plan {
  const { desired, running } = input;
  const changes: ScenarioChange[] = [];
  const problems: string[] = [];
  const wanted = new Map(desired.map((d) => [d.name, d]));

  for (const d of desired) {
    const record = running.records.get(d.name);
    const change = blank(d.name, d.file);
    const target: ScenarioState = d.suspend ? 'paused' : 'running';
    if (!record) {
      change.actions.push('create');
      change.desired = d;
      change.to = { digest: d.digest, state: target };
      change.affected = input.affected.get(d.name);
      changes.push(change);
      continue;
    }
    change.from = { digest: record.digest, state: record.state, revision: record.revision };
    if (record.state === 'archived') {
      problems.push(`${d.name}: this scenario was archived (final); give the file a new \`metadata.name\` to start it again`);
      continue;
    }
    const rows = (running.counts.get(d.name) ?? []).filter((r) => IN_PROGRESS.includes(r.status));
    change.enrolled = rows.reduce((n, r) => n + r.count, 0);
    if (record.digest !== d.digest) {
      change.actions.push('update');
      change.desired = d;
      const strategy = d.scenario.spec.updateStrategy?.type ?? 'pin';
      change.strategy = strategy;
      const before = running.versions.get(d.name);
      if (before) {
        const stepMap = strategy === 'migrate' ? d.scenario.spec.updateStrategy?.stepMap ?? {} : {};
        const positions = positionsIn(d.graph, rows, stepMap);
        change.steps = diffSteps(before.graph, d.graph, positions);
        change.specChanges = changedSpec(before.scenario, d.scenario);
        const details = campaignDetails(before.scenario, d.scenario, change.specChanges);
        if (Object.keys(details).length > 0) change.specDetails = details;
        if (strategy === 'migrate') {
          change.stranded = [...positions].filter(([at]) => at.startsWith('removed:')).reduce((n, [, c]) => n + c, 0);
          if (change.stranded > 0) problems.push(`${d.name}: ${change.stranded} enrolled contacts are on steps this version removes; map them in \`updateStrategy.stepMap\``);
        }
      }
    }
    const current = record.state === 'scheduled' ? 'running' : record.state;
    if (current !== 'completed' && current !== target) {
      change.actions.push(target === 'paused' ? 'pause' : 'resume');
      if (record.stateBy === 'cli') {
        change.drift.push(`${record.state} from the CLI${record.stateNote ? ` (${record.stateNote})` : ''} at ${record.stateAt}; the file says ${target}: apply sets it back to ${target}`);
      }
    }
    change.to = { digest: d.digest, state: current === 'completed' ? 'completed' : target };
    if (change.actions.length === 0) change.actions.push('unchanged');
    changes.push(change);
  }

  for (const record of running.records.values()) {
    if (wanted.has(record.name) || record.state === 'archived') continue;
    const change = blank(record.name, record.file);
    change.from = { digest: record.digest, state: record.state, revision: record.revision };
    change.enrolled = (running.counts.get(record.name) ?? []).filter((r) => IN_PROGRESS.includes(r.status)).reduce((n, r) => n + r.count, 0);
    if (input.prune || record.prune) {
      change.actions.push('archive');
      change.to = { digest: record.digest, state: 'archived' };
      change.notes.push(input.prune ? 'file deleted; archiving confirmed by --prune' : 'file deleted; archiving confirmed by its relance.dev/prune annotation');
    } else {
      change.actions.push('keep');
      change.notes.push('file deleted, but the scenario still runs: archive it with `relance apply --prune`, or annotate the file\'s last version with `relance.dev/prune: confirm` before deleting it');
    }
    changes.push(change);
  }

  changes.sort((a, b) => a.name.localeCompare(b.name));
  return {
    format: 1,
    createdAt: (input.now ?? new Date()).toISOString(),
    revision: input.revision,
    basis: running.basis,
    prefix: running.prefix,
    prune: input.prune,
    changes,
    problems,
  };
}

function blank(name: string, file?: string): ScenarioChange {
  return { name, file, actions: [], steps: [], specChanges: [], enrolled: 0, stranded: 0, drift: [], notes: [] };
}
