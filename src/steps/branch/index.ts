import type { BranchStep } from '../../schema/scenario.gen.js';
import { describeCondition } from '../../conditions/describe.js';
import { evaluate } from '../../conditions/evaluate.js';
import { edge, type StepDefinition } from '../types.js';

export const branchStep: StepDefinition<BranchStep> = {
  type: 'branch',
  edges: (s, fallthrough) => [
    ...s.cases.map((c, i) => ({ label: `case ${i + 1}`, to: c.next })),
    edge('default', s.default, fallthrough),
  ],
  waits: () => false,
  effect: false,
  conditions: (s) => s.cases.map((c, i) => ({ condition: c.when, at: `/cases/${i}/when` })),
  summary: (s) => `branch on ${s.cases.map((c) => describeCondition(c.when)).join(' / ')}`,
  // The first case that holds wins.
  run: (s, ctx) => {
    const i = s.cases.findIndex((c) => evaluate(c.when, ctx.view));
    return { go: i >= 0 ? s.cases[i]!.next : ctx.edge('default') };
  },
};
