import { lintScenario } from '../../lint/lint-scenario.js';
import type { Rule } from '../rule-context.js';

/**
 * Email lint (docs/lint.md) as warnings: each email rendered for one sample contact, in every
 * language, and checked the way a reviewer would (links, images, subject, size, text part…).
 */
export const emailLint: Rule = (ctx) => {
  if (!ctx.graph) return;
  // Values of the scenario file are located by `warn`, which has the parsed YAML at hand.
  const diagnostics = lintScenario({ file: ctx.file, scenario: ctx.scenario, graph: ctx.graph }, { templates: ctx.templates, locate: () => ({ line: 1, column: 1 }) });
  for (const d of diagnostics) {
    if (d.pointer !== undefined) ctx.warn(d.pointer, d.code, d.message);
    else ctx.reportIn(d.file, d.line, d.column, 'warning', d.code, d.message);
  }
};
