import type { EmailStep } from '../../schema/scenario.gen.js';
import { edge, type StepDefinition } from '../types.js';

export const emailStep: StepDefinition<EmailStep> = {
  type: 'email',
  edges: (s, fallthrough) => [edge('next', s.next, fallthrough)],
  waits: () => false,
  conditions: () => [],
  summary: (s) => `send "${s.subject}"${s.thread ? ` (in the thread of ${s.thread})` : ''}`,
};
