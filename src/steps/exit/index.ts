import type { ExitStep } from '../../schema/scenario.gen.js';
import type { StepDefinition } from '../types.js';

export const exitStep: StepDefinition<ExitStep> = {
  type: 'exit',
  edges: () => [],
  waits: () => false,
  conditions: () => [],
  summary: (s) => `exit (${s.outcome ?? 'end'})`,
};
