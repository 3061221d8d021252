import type { Position } from '../diagnostics/diagnostic.js';
import { loadScenarioFile } from '../load/load-scenario.js';
import { pointerToPath } from '../load/locate.js';
import type { YamlSource } from '../load/parse-yaml.js';

const sources = new Map<string, YamlSource | undefined>();

/**
 * Line and column of a JSON pointer in a scenario file (its nearest written parent when the
 * value is not written). Files are parsed once per process: a preview lints many emails of one file.
 */
export function locateInScenario(file: string, pointer: string): Position {
  if (!sources.has(file)) {
    if (sources.size > 500) sources.clear();
    sources.set(file, loadScenarioFile(file).source);
  }
  return sources.get(file)?.locate(pointerToPath(pointer)).start ?? { line: 1, column: 1 };
}
