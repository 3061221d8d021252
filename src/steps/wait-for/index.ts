import type { WaitForStep } from '../../schema/scenario.gen.js';
import { formatDuration, parseDuration } from '../../compile/duration.js';
import { describeCondition } from '../../conditions/describe.js';
import { edge, type StepDefinition } from '../types.js';

export const waitForStep: StepDefinition<WaitForStep> = {
  type: 'wait-for',
  edges: (s, fallthrough) => [edge('met', s.next, fallthrough), edge('timeout', s.onTimeout, fallthrough)],
  waits: () => true,
  conditions: (s) => [{ condition: s.condition, at: '/condition' }],
  summary: (s) => `wait until ${describeCondition(s.condition)}, at most ${formatDuration(parseDuration(s.timeout))}`,
};
