import type { ConditionStep } from '../../schema/scenario.gen.js';
import { describeCondition } from '../../conditions/describe.js';
import { edge, type StepDefinition } from '../types.js';

export const conditionStep: StepDefinition<ConditionStep> = {
  type: 'condition',
  edges: (s, fallthrough) => [edge('then', s.then, fallthrough), edge('else', s.else, fallthrough)],
  waits: () => false,
  conditions: (s) => [{ condition: s.if, at: '/if' }],
  summary: (s) => `if ${describeCondition(s.if)}`,
};
