import type { ScenarioRecord, VersionRecord } from '../state/scenario-store.js';
import type { RunningSnapshot } from './compute-plan.js';
import type { DesiredScenario } from './desired-state.js';

/**
 * The scenarios of a base revision dressed as a running state, as if that revision had been
 * applied and nobody were enrolled: `computePlan` then words the diff exactly as `plan` does.
 */
export function snapshotOfFiles(base: DesiredScenario[], commit: string): RunningSnapshot {
  const records = new Map<string, ScenarioRecord>();
  const versions = new Map<string, VersionRecord>();
  for (const d of base) {
    records.set(d.name, {
      name: d.name, state: d.suspend ? 'paused' : 'running', digest: d.digest, revision: commit, file: d.file,
      appliedAt: '', appliedBy: '', stateBy: 'git', stateAt: '', stateNote: '', prune: d.prune,
    });
    versions.set(d.name, { name: d.name, digest: d.digest, revision: commit, appliedAt: '', file: d.file, scenario: d.scenario, graph: d.graph, schedule: d.schedule });
  }
  return { basis: 0, prefix: '', records, versions, counts: new Map() };
}
