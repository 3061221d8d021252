import type { ScoreStep } from '../../schema/scenario.gen.js';
import { describeCondition } from '../../conditions/describe.js';
import { evaluate } from '../../conditions/evaluate.js';
import { edge, type StepDefinition } from '../types.js';

export const scoreStep: StepDefinition<ScoreStep> = {
  type: 'score',
  edges: (s, fallthrough) => [edge('next', s.next, fallthrough)],
  waits: () => false,
  effect: false,
  conditions: (s) => (s.when ? [{ condition: s.when, at: '/when' }] : []),
  summary: (s) => `${s.points >= 0 ? 'add' : 'remove'} ${Math.abs(s.points)} point${Math.abs(s.points) === 1 ? '' : 's'}${s.when ? ` if ${describeCondition(s.when)}` : ''}`,
  run: (s, ctx) => {
    const next = ctx.edge('next');
    if (s.when && !evaluate(s.when, ctx.view)) return { go: next };
    // The score as changed earlier in this pass, else as saved; anything but a number counts as 0.
    const score = Number((ctx.changes?.score ?? ctx.contact.fields.score) ?? 0) || 0;
    return { go: next, fields: { score: score + s.points } };
  },
};
