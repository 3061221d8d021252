import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Scenario } from '../schema/scenario.gen.js';
import { isValidScenario, scenarioSchema } from '../schema/scenario-schema.js';
import { pointerToPath } from './locate.js';
import { parseYaml, type YamlSource } from './parse-yaml.js';
import { readTextFile } from './read-file.js';
import { explainSchemaErrors } from './schema-errors.js';

export interface LoadedScenario {
  file: string;
  diagnostics: Diagnostic[];
  /** Present when the file parsed and matched the schema. */
  scenario?: Scenario;
  /** Present when the file parsed: where a path of the scenario is written. */
  source?: YamlSource;
}

/** Reads, parses and schema-checks one file. A bad file is refused whole, with reasons. */
export function loadScenarioFile(file: string): LoadedScenario {
  const read = readTextFile(file);
  if (!read.ok) return { file, diagnostics: [{ severity: 'error', code: 'unreadable', message: read.reason, file, line: 1, column: 1 }] };
  return loadScenarioText(read.text, file);
}

export function loadScenarioText(text: string, file: string): LoadedScenario {
  const parsed = parseYaml(text, file);
  if (!parsed.source || parsed.diagnostics.length > 0) return { file, diagnostics: parsed.diagnostics };
  const { source, value } = parsed;
  if (isValidScenario(value)) return { file, diagnostics: [], scenario: value, source };
  const { validate } = scenarioSchema();
  validate(value);
  const diagnostics = explainSchemaErrors(validate.errors ?? []).map((problem): Diagnostic => {
    const where = source.locate(pointerToPath(problem.pointer), problem.onKey);
    return {
      severity: 'error', code: 'schema', message: problem.message, file, pointer: problem.pointer,
      line: where.start.line, column: where.start.column, endLine: where.end.line, endColumn: where.end.column,
    };
  });
  return { file, diagnostics, source };
}
