import { withFlag } from '../../conditions/contact-state.js';
import type { EmailStep } from '../../schema/scenario.gen.js';
import { edge, type StepDefinition } from '../types.js';
import { checkEmail } from './validate.js';

export const emailStep: StepDefinition<EmailStep> = {
  type: 'email',
  edges: (s, fallthrough) => [edge('next', s.next, fallthrough)],
  waits: () => false,
  effect: true,
  conditions: () => [],
  summary: (s) => `send "${s.subject}"${s.thread ? ` (in the thread of ${s.thread})` : ''}`,
  run: (s, ctx) => {
    const open = ctx.window.nextOpen(new Date(ctx.now));
    if (!open) return { end: { status: 'finished', outcome: 'end', reason: 'the schedule has ended' } };
    if (open.getTime() > ctx.now) return { wait: open.getTime() };
    // Steps after the email may test it: it counts as received if the send succeeds.
    return { effect: { kind: 'email', step: s }, then: ctx.edge('next'), engagement: withFlag(ctx.engagement, 'received', s.id) };
  },
  validate: checkEmail,
};
