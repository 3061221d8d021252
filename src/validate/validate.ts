import { compileScenario } from '../compile/compile-scenario.js';
import type { StepGraph } from '../compile/graph.js';
import { splitBySeverity, type Diagnostic, type DiagnosticResult } from '../diagnostics/diagnostic.js';
import { discoverScenarioFiles } from '../load/discover.js';
import { locate } from '../load/locate.js';
import { loadScenarioFile, type LoadedScenario } from '../load/load-scenario.js';
import type { Scenario } from '../schema/scenario.gen.js';
import { TemplateStore } from '../templates/template-store.js';
import { checkInParallel, defaultJobs } from './parallel.js';
import { createRuleContext } from './rule-context.js';
import { rules } from './rules/index.js';

export interface ValidScenario {
  file: string;
  scenario: Scenario;
  graph: StepGraph;
  /** Where `metadata.name` is written, for errors about the scenario as a whole. */
  namePosition: { line: number; column: number };
}

export interface ValidationResult extends DiagnosticResult {
  files: string[];
  /** Scenarios with no error (warnings allowed), ready to plan. */
  scenarios: ValidScenario[];
}

/**
 * Validates scenario files: schema, then the semantic rules, then checks across files.
 * Returns everything found; deciding what an error means (exit code, CI failure) is the caller's.
 */
export async function validatePaths(paths: readonly string[], options: { jobs?: number } = {}): Promise<ValidationResult> {
  const files = await discoverScenarioFiles(paths);
  const jobs = options.jobs ?? defaultJobs(files.length);
  const diagnostics: Diagnostic[] = [];
  const scenarios: ValidScenario[] = [];
  // Parsing is CPU-bound: many files are spread over worker threads, a few are checked here.
  const templates = new TemplateStore();
  const checkHere = (file: string) => checkLoaded(loadScenarioFile(file), templates);
  const checked = jobs > 1 ? await checkInParallel(files, jobs, checkHere) : files.map(checkHere);
  for (const c of checked) {
    diagnostics.push(...c.diagnostics);
    if (c.valid) scenarios.push(c.valid);
  }
  diagnostics.push(...duplicateNames(scenarios));
  const names = new Set(duplicateNames(scenarios).map((d) => d.file));
  return { files, scenarios: scenarios.filter((s) => !names.has(s.file)), ...splitBySeverity(diagnostics) };
}

export function checkLoaded(loaded: LoadedScenario, templates: TemplateStore): { diagnostics: Diagnostic[]; valid?: ValidScenario } {
  const diagnostics = [...loaded.diagnostics];
  const { scenario, doc, lineCounter, file } = loaded;
  if (!scenario || !doc || !lineCounter) return { diagnostics };
  const graph = compileScenario(scenario);
  const ctx = createRuleContext({ file, doc, lineCounter, scenario, graph, templates, diagnostics });
  for (const rule of rules) rule(ctx);
  const failed = diagnostics.some((d) => d.severity === 'error');
  return { diagnostics, valid: failed || !graph ? undefined : { file, scenario, graph, namePosition: locate(doc, lineCounter, ['metadata', 'name']).start } };
}

/** `metadata.name` is a scenario's identity: two files cannot claim the same one. */
function duplicateNames(scenarios: ValidScenario[]): Diagnostic[] {
  const byName = new Map<string, ValidScenario>();
  const out: Diagnostic[] = [];
  for (const s of scenarios) {
    const first = byName.get(s.scenario.metadata.name);
    if (!first) byName.set(s.scenario.metadata.name, s);
    else out.push({ severity: 'error', code: 'duplicate-name', message: `scenario name "${s.scenario.metadata.name}" is already used by ${first.file}; names must be unique`, file: s.file, ...s.namePosition, pointer: '/metadata/name' });
  }
  return out;
}
