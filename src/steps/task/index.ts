import type { TaskStep } from '../../schema/scenario.gen.js';
import { checkInline } from '../../templates/check.js';
import { knownNames } from '../../templates/context.js';
import { edge, type StepDefinition } from '../types.js';

export const taskStep: StepDefinition<TaskStep> = {
  type: 'task',
  edges: (s, fallthrough) => [edge('done', s.next, fallthrough)],
  // The contact stays until a person marks the task done.
  waits: () => true,
  effect: true,
  conditions: () => [],
  summary: (s) => `task: ${s.title}${s.assignee ? ` (for ${s.assignee})` : ''}`,
  // No `then`: the contact is parked here until a person marks the task done.
  run: (s) => ({ effect: { kind: 'task', step: s } }),
  // The title is a Handlebars template too.
  validate: (s, ctx) => checkInline(ctx, s.title, `${ctx.source}/title`, knownNames(ctx.scenario)),
};
