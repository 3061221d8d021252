import { formatDiagnostics } from '../../diagnostics/format.js';
import { ValidationFailedError } from '../../errors.js';
import { explainScenario } from '../../explain/explain-text.js';
import { mermaidDiagram } from '../../explain/mermaid.js';
import { validatePaths } from '../../validate/validate.js';

export async function explain(paths: string[], options: { mermaid?: boolean }): Promise<void> {
  const result = await validatePaths(paths);
  const blocks = result.scenarios.map(({ file, scenario, graph }) =>
    options.mermaid ? `%% ${scenario.metadata.name} (${file})\n${mermaidDiagram(graph)}` : explainScenario(file, scenario, graph));
  process.stdout.write(blocks.join('\n\n') + '\n');
  if (result.errors.length > 0) {
    process.stderr.write(formatDiagnostics(result, 'text') + '\n');
    throw new ValidationFailedError(result.errors.length);
  }
}
