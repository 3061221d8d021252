import { relative } from 'node:path';
import { versionDigest, withDefaults } from '../compile/normalize.js';
import { compileScenario } from '../compile/compile-scenario.js';
import type { StepGraph } from '../schema/compiled.js';
import { compileSchedule } from '../compile/schedule.js';
import type { CompiledSchedule } from '../schema/compiled.js';
import type { Scenario } from '../schema/scenario.gen.js';
import { PRUNE_ANNOTATION } from '../state/scenario-store.js';
import type { ValidScenario } from '../validate/validate.js';

/** One scenario as the files want it. */
export interface DesiredScenario {
  name: string;
  file: string;
  digest: string;
  scenario: Scenario;
  graph: StepGraph;
  schedule: CompiledSchedule;
  suspend: boolean;
  /** `relance.dev/prune: confirm`: archiving is allowed once the file is deleted. */
  prune: boolean;
}

export function desiredScenario(valid: ValidScenario, cwd = process.cwd()): DesiredScenario {
  const scenario = withDefaults(valid.scenario);
  const graph = compileScenario(scenario) ?? valid.graph;
  return {
    name: scenario.metadata.name,
    file: relative(cwd, valid.file) || valid.file,
    digest: versionDigest(scenario, graph),
    scenario,
    graph,
    schedule: compileSchedule(scenario),
    suspend: scenario.spec.suspend === true,
    prune: scenario.metadata.annotations?.[PRUNE_ANNOTATION] === 'confirm',
  };
}
