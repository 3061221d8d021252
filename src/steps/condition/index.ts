import type { ConditionStep } from '../../schema/scenario.gen.js';
import { describeCondition } from '../../conditions/describe.js';
import { evaluate } from '../../conditions/evaluate.js';
import { edge, type StepDefinition } from '../types.js';

export const conditionStep: StepDefinition<ConditionStep> = {
  type: 'condition',
  edges: (s, fallthrough) => [edge('then', s.then, fallthrough), edge('else', s.else, fallthrough)],
  waits: () => false,
  effect: false,
  conditions: (s) => [{ condition: s.if, at: '/if' }],
  summary: (s) => `if ${describeCondition(s.if)}`,
  run: (s, ctx) => ({ go: ctx.edge(evaluate(s.if, ctx.view) ? 'then' : 'else') }),
  validate: (s, ctx) => {
    if ((s.then ?? null) === (s.else ?? null)) ctx.warn(ctx.source, 'condition-same-path', `condition step "${s.id}" goes to the same step either way`);
  },
};
