import { dirname } from 'node:path';
import type { StepGraph } from '../schema/compiled.js';
import type { Diagnostic, Severity } from '../diagnostics/diagnostic.js';
import { pointerToPath } from '../load/locate.js';
import type { YamlSource } from '../load/parse-yaml.js';
import type { Scenario } from '../schema/scenario.gen.js';
import type { TemplateStore } from '../templates/template-store.js';

/**
 * What a semantic rule sees: one schema-valid scenario, its compiled graph (when it has one),
 * and ways to report. Rules never throw and never print.
 */
export interface RuleContext {
  file: string;
  dir: string;
  scenario: Scenario;
  graph: StepGraph | undefined;
  templates: TemplateStore;
  error(pointer: string, code: string, message: string, options?: { onKey?: boolean }): void;
  warn(pointer: string, code: string, message: string, options?: { onKey?: boolean }): void;
  /** A problem inside another file (an email template), at its own line and column. */
  reportIn(file: string, line: number, column: number, severity: Severity, code: string, message: string): void;
}

export type Rule = (ctx: RuleContext) => void;

export function createRuleContext(input: {
  file: string;
  source: YamlSource;
  scenario: Scenario;
  graph: StepGraph | undefined;
  templates: TemplateStore;
  diagnostics: Diagnostic[];
}): RuleContext {
  const { file, source, diagnostics } = input;
  const report = (severity: Severity) => (pointer: string, code: string, message: string, options?: { onKey?: boolean }) => {
    const where = source.locate(pointerToPath(pointer), options?.onKey ?? false);
    diagnostics.push({
      severity, code, message, file, pointer,
      line: where.start.line, column: where.start.column, endLine: where.end.line, endColumn: where.end.column,
    });
  };
  return {
    file,
    dir: dirname(file),
    scenario: input.scenario,
    graph: input.graph,
    templates: input.templates,
    error: report('error'),
    warn: report('warning'),
    reportIn: (other, line, column, severity, code, message) => diagnostics.push({ severity, code, message, file: other, line, column }),
  };
}
