import type { TaskStep } from '../../schema/scenario.gen.js';
import { edge, type StepDefinition } from '../types.js';

export const taskStep: StepDefinition<TaskStep> = {
  type: 'task',
  edges: (s, fallthrough) => [edge('done', s.next, fallthrough)],
  // The contact stays until a person marks the task done.
  waits: () => true,
  conditions: () => [],
  summary: (s) => `task: ${s.title}${s.assignee ? ` (for ${s.assignee})` : ''}`,
};
