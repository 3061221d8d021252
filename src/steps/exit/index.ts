import type { ExitStep } from '../../schema/scenario.gen.js';
import type { StepDefinition } from '../types.js';

export const exitStep: StepDefinition<ExitStep> = {
  type: 'exit',
  edges: () => [],
  waits: () => false,
  effect: false,
  conditions: () => [],
  summary: (s) => `exit (${s.outcome ?? 'end'})`,
  run: (s) => ({ end: { status: 'finished', outcome: s.outcome ?? 'end' }, passed: true }),
};
