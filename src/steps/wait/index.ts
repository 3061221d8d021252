import type { WaitStep } from '../../schema/scenario.gen.js';
import { formatDuration, parseDuration } from '../../compile/duration.js';
import { edge, type StepDefinition } from '../types.js';

export const waitStep: StepDefinition<WaitStep> = {
  type: 'wait',
  edges: (s, fallthrough) => [edge('next', s.next, fallthrough)],
  waits: () => true,
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
};
