import type { WaitStep } from '../../schema/scenario.gen.js';
import { formatDuration, parseDuration } from '../../time/duration.js';
import { resolveWait } from '../../time/durations.js';
import { edge, type StepDefinition } from '../types.js';
import { checkWait } from './validate.js';

export const waitStep: StepDefinition<WaitStep> = {
  type: 'wait',
  edges: (s, fallthrough) => [edge('next', s.next, fallthrough)],
  waits: () => true,
  effect: false,
  conditions: () => [],
  summary: (s) => {
    if (s.for) return `wait ${formatDuration(parseDuration(s.for))}`;
    if (typeof s.until === 'string') return `wait until ${s.until}`;
    if (s.until) {
      const shift = s.until.before ? `${formatDuration(parseDuration(s.until.before))} before ` : s.until.after ? `${formatDuration(parseDuration(s.until.after))} after ` : '';
      return `wait until ${shift}the contact's ${s.until.field}`;
    }
    return 'wait';
  },
  run: (s, ctx) => {
    const until = resolveWait(s, new Date(ctx.enteredAt), (name) => ctx.view.field(name), ctx.window);
    if (!(until instanceof Date)) return { end: { status: 'error', reason: until.error } };
    if (until.getTime() > ctx.now) return { wait: until.getTime() };
    return { go: ctx.edge('next') };
  },
  validate: checkWait,
};
