import type { Step } from '../schema/scenario.gen.js';
import { branchStep } from './branch/index.js';
import { conditionStep } from './condition/index.js';
import { emailStep } from './email/index.js';
import { exitStep } from './exit/index.js';
import { scoreStep } from './score/index.js';
import { taskStep } from './task/index.js';
import type { StepDefinition } from './types.js';
import { updateStep } from './update/index.js';
import { webhookStep } from './webhook/index.js';
import { waitForStep } from './wait-for/index.js';
import { waitStep } from './wait/index.js';

type Registry = { [T in Step['type']]: StepDefinition<Extract<Step, { type: T }>> };

/** Every step type, registered explicitly. Adding a type means a folder and a line here. */
export const stepTypes: Registry = {
  email: emailStep,
  wait: waitStep,
  'wait-for': waitForStep,
  condition: conditionStep,
  branch: branchStep,
  score: scoreStep,
  update: updateStep,
  webhook: webhookStep,
  task: taskStep,
  exit: exitStep,
};

export function stepDefinition<S extends Step>(step: S): StepDefinition<S> {
  return stepTypes[step.type] as unknown as StepDefinition<S>;
}
