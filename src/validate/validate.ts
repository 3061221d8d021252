import { compileScenario } from '../compile/compile-scenario.js';
import type { StepGraph } from '../schema/compiled.js';
import { splitBySeverity, type Diagnostic, type DiagnosticResult } from '../diagnostics/diagnostic.js';
import { discoverScenarioFiles } from '../load/discover.js';
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
}

export interface ValidationResult extends DiagnosticResult {
  files: string[];
  /** Scenarios with no error (warnings allowed), ready to plan; empty with `diagnosticsOnly`. */
  scenarios: ValidScenario[];
}

export interface ValidateOptions {
  /** Threads to check files on (default: one per core when there are many files). */
  jobs?: number;
  /** Only the diagnostics are wanted (`relance validate`): threads need not send scenarios back. */
  diagnosticsOnly?: boolean;
}

/** One file's outcome. `name` is kept even without the scenario, to find duplicate names. */
export interface Checked {
  diagnostics: Diagnostic[];
  name?: { value: string; file: string };
  valid?: ValidScenario;
}

/**
 * Validates scenario files: schema, then the semantic rules, then checks across files.
 * Returns everything found; deciding what an error means (exit code, CI failure) is the caller's.
 */
export async function validatePaths(paths: readonly string[], options: ValidateOptions = {}): Promise<ValidationResult> {
  const files = discoverScenarioFiles(paths);
  const jobs = options.jobs ?? defaultJobs(files.length);
  const keep = !options.diagnosticsOnly;
  const diagnostics: Diagnostic[] = [];
  const scenarios: ValidScenario[] = [];
  // Parsing is CPU-bound: many files are spread over threads, a few are checked here.
  const templates = new TemplateStore();
  const checkHere = (file: string) => checkLoaded(loadScenarioFile(file), templates, keep);
  const checked = jobs > 1 ? await checkInParallel(files, jobs, keep, checkHere) : files.map(checkHere);
  for (const c of checked) {
    diagnostics.push(...c.diagnostics);
    if (c.valid) scenarios.push(c.valid);
  }
  const duplicates = duplicateNames(checked);
  diagnostics.push(...duplicates);
  const refused = new Set(duplicates.map((d) => d.file));
  return { files, scenarios: scenarios.filter((s) => !refused.has(s.file)), ...splitBySeverity(diagnostics) };
}

/** Runs the semantic rules over a loaded file; `keep` also returns the valid scenario and graph. */
export function checkLoaded(loaded: LoadedScenario, templates: TemplateStore, keep = true): Checked {
  const diagnostics = [...loaded.diagnostics];
  const { scenario, source, file } = loaded;
  if (!scenario || !source) return { diagnostics };
  const graph = compileScenario(scenario);
  const ctx = createRuleContext({ file, source, scenario, graph, templates, diagnostics });
  for (const rule of rules) rule(ctx);
  if (!graph || diagnostics.some((d) => d.severity === 'error')) return { diagnostics };
  const name = { value: scenario.metadata.name, file };
  return { diagnostics, name, valid: keep ? { file, scenario, graph } : undefined };
}

/** `metadata.name` is a scenario's identity: two files cannot claim the same one. */
function duplicateNames(checked: Checked[]): Diagnostic[] {
  const byName = new Map<string, string>();
  const out: Diagnostic[] = [];
  for (const { name } of checked) {
    if (!name) continue;
    const first = byName.get(name.value);
    if (first === undefined) byName.set(name.value, name.file);
    else out.push({ severity: 'error', code: 'duplicate-name', message: `scenario name "${name.value}" is already used by ${first}; names must be unique`, file: name.file, ...namePosition(name.file), pointer: '/metadata/name' });
  }
  return out;
}

/** Positions are only worked out when needed: reading the file again is cheaper than always. */
function namePosition(file: string): { line: number; column: number } {
  return loadScenarioFile(file).source?.locate(['metadata', 'name']).start ?? { line: 1, column: 1 };
}
