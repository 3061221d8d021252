import type { WaitForStep } from '../../schema/scenario.gen.js';
import { formatDuration, parseDuration } from '../../time/duration.js';
import { describeCondition } from '../../conditions/describe.js';
import { evaluate } from '../../conditions/evaluate.js';
import { addDuration } from '../../time/durations.js';
import { edge, type StepDefinition } from '../types.js';

export const waitForStep: StepDefinition<WaitForStep> = {
  type: 'wait-for',
  edges: (s, fallthrough) => [edge('met', s.next, fallthrough), edge('timeout', s.onTimeout, fallthrough)],
  waits: () => true,
  effect: false,
  conditions: (s) => [{ condition: s.condition, at: '/condition' }],
  summary: (s) => `wait until ${describeCondition(s.condition)}, at most ${formatDuration(parseDuration(s.timeout))}`,
  // Moves on as soon as the condition holds; the deadline counts from arrival here.
  run: (s, ctx) => {
    if (evaluate(s.condition, ctx.view)) return { go: ctx.edge('met') };
    const deadline = addDuration(new Date(ctx.enteredAt), parseDuration(s.timeout), ctx.window).getTime();
    if (deadline > ctx.now) return { wait: deadline };
    return { go: ctx.edge('timeout') };
  },
  validate: (s, ctx) => {
    if (s.onTimeout === undefined && s.next === undefined) {
      ctx.warn(`${ctx.source}/onTimeout`, 'wait-for-same-path', `wait-for step "${s.id}" goes to the same step whether the condition holds or not; set \`onTimeout\``);
    }
  },
};
