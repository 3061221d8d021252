import { stepDefinition } from '../../steps/index.js';
import type { Rule } from '../rule-context.js';

/** Each step's own checks (its definition's `validate`), in authoring order. */
export const stepChecks: Rule = (ctx) => {
  const { graph } = ctx;
  if (!graph) return;
  for (const id of graph.order) {
    const { step, source } = graph.steps[id]!;
    stepDefinition(step).validate?.(step, { ...ctx, source });
  }
};
