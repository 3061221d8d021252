import type { UpdateStep } from '../../schema/scenario.gen.js';
import { edge, type StepDefinition } from '../types.js';

export const updateStep: StepDefinition<UpdateStep> = {
  type: 'update',
  edges: (s, fallthrough) => [edge('next', s.next, fallthrough)],
  waits: () => false,
  conditions: () => [],
  summary: (s) => {
    const parts = [
      ...Object.entries(s.set ?? {}).map(([k, v]) => `set ${k} = ${String(v)}`),
      ...(s.unset ?? []).map((k) => `clear ${k}`),
      ...(s.addTags ?? []).map((t) => `tag +${t}`),
      ...(s.removeTags ?? []).map((t) => `tag -${t}`),
    ];
    return parts.length ? parts.join(', ') : 'update nothing';
  },
};
