import type { Condition } from '../schema/scenario.gen.js';

/** A condition in a few words, for explanations, plans and diagrams. */
export function describeCondition(c: Condition): string {
  if ('all' in c) return c.all.map(describeNested).join(' and ');
  if ('any' in c) return c.any.map(describeNested).join(' or ');
  if ('not' in c) return `not ${describeNested(c.not)}`;
  if ('field' in c) {
    const { field, ...ops } = c;
    return Object.entries(ops).map(([op, v]) => `${field} ${OPS[op] ?? op} ${Array.isArray(v) ? v.join(', ') : String(v)}`).join(' and ');
  }
  if ('score' in c) return Object.entries(c.score).map(([op, v]) => `score ${OPS[op] ?? op} ${String(v)}`).join(' and ');
  if ('tag' in c) return `tagged ${c.tag}`;
  if ('status' in c) return `status is ${([] as string[]).concat(c.status).join(' or ')}`;
  if ('formSubmitted' in c) return 'submitted the form';
  const [kind, step] = Object.entries(c)[0] as [string, string];
  return step === 'any' ? `${kind} any email` : `${kind} ${step}`;
}

const OPS: Record<string, string> = {
  eq: '=', ne: '≠', in: 'in', notIn: 'not in', gt: '>', gte: '≥', lt: '<', lte: '≤',
  exists: 'exists:', contains: 'contains', endsWith: 'ends with',
};

function describeNested(c: Condition): string {
  return 'all' in c || 'any' in c ? `(${describeCondition(c)})` : describeCondition(c);
}
