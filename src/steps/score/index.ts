import type { ScoreStep } from '../../schema/scenario.gen.js';
import { describeCondition } from '../../conditions/describe.js';
import { edge, type StepDefinition } from '../types.js';

export const scoreStep: StepDefinition<ScoreStep> = {
  type: 'score',
  edges: (s, fallthrough) => [edge('next', s.next, fallthrough)],
  waits: () => false,
  conditions: (s) => (s.when ? [{ condition: s.when, at: '/when' }] : []),
  summary: (s) => `${s.points >= 0 ? 'add' : 'remove'} ${Math.abs(s.points)} point${Math.abs(s.points) === 1 ? '' : 's'}${s.when ? ` if ${describeCondition(s.when)}` : ''}`,
};
