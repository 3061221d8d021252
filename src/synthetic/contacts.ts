import type { Condition, Scalar } from '../schema/scenario.gen.js';

const FIRST = ['Alex', 'Sam', 'Jordan', 'Camille', 'Léa', 'Noah', 'Emma', 'Hugo', 'Chloé', 'Lucas', 'Inès', 'Louis', 'Jade', 'Arthur', 'Zoé'];
const LAST = ['Martin', 'Bernard', 'Dubois', 'Nguyen', 'Smith', 'Garcia', 'Moreau', 'Laurent', 'Lefebvre', 'Roux', 'Fournier', 'Girard'];

/** A plausible contact; `fields` already satisfy the scenario's segment or trigger condition. */
export function syntheticContact(n: number, domain: string, rnd: () => number, fields: Record<string, unknown>): Record<string, unknown> {
  const first = FIRST[Math.floor(rnd() * FIRST.length)]!;
  const last = LAST[Math.floor(rnd() * LAST.length)]!;
  return {
    email: `${first}.${last}.${n}@${domain}`.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, ''),
    firstName: first,
    lastName: last,
    company: `${last} & Co ${n}`,
    jobTitle: 'Head of Finance',
    country: 'FR',
    language: rnd() < 0.3 ? 'fr' : 'en',
    score: 0,
    ...fields,
  };
}

/**
 * Field values that make a condition true, for the conditions scenarios put on entry (segments,
 * trigger `when`): fields, scores, tags, statuses, all/any/not. Engagement needs no fields.
 */
export function satisfy(condition: Condition | undefined, out: Record<string, unknown> = {}): Record<string, unknown> {
  if (!condition) return out;
  if ('all' in condition) { for (const c of condition.all) satisfy(c, out); return out; }
  if ('any' in condition) return satisfy(condition.any[0], out);
  if ('not' in condition) return violate(condition.not, out);
  if ('field' in condition) { out[condition.field] = pick(condition); return out; }
  if ('score' in condition) { out.score = pick({ field: 'score', ...condition.score }); return out; }
  if ('tag' in condition) { out.tags = condition.tag; return out; }
  if ('status' in condition) { out.status = ([] as string[]).concat(condition.status)[0]; return out; }
  return out;
}

function violate(condition: Condition, out: Record<string, unknown>): Record<string, unknown> {
  if ('tag' in condition) { delete out.tags; return out; }
  if ('field' in condition && condition.eq !== undefined) { out[condition.field] = typeof condition.eq === 'boolean' ? !condition.eq : `not-${String(condition.eq)}`; return out; }
  if ('field' in condition && condition.in) { out[condition.field] = 'other'; return out; }
  if ('field' in condition && condition.exists === true) { delete out[condition.field]; return out; }
  return out;
}

/** Strict bounds on dates (`lt: "2026-01-01"`): a date a month away satisfies them. */
function shiftDate(value: string | undefined, days: number): string | undefined {
  if (value === undefined || Number.isNaN(Date.parse(value))) return value;
  return new Date(Date.parse(value) + days * 86_400_000).toISOString().slice(0, value.length);
}

function pick(c: { field: string; eq?: Scalar; ne?: Scalar; in?: Scalar[]; notIn?: Scalar[]; gt?: number | string; gte?: number | string; lt?: number | string; lte?: number | string; exists?: boolean; contains?: string; endsWith?: string }): unknown {
  if (c.eq !== undefined) return c.eq;
  if (c.in) return c.in[0];
  const low = c.gte ?? (typeof c.gt === 'number' ? c.gt + 1 : shiftDate(c.gt, 30));
  const high = c.lte ?? (typeof c.lt === 'number' ? c.lt - 1 : shiftDate(c.lt, -30));
  if (typeof low === 'number' && typeof high === 'number') return Math.floor((low + high) / 2);
  if (low !== undefined) return typeof low === 'number' ? low + 5 : low;
  if (high !== undefined) return typeof high === 'number' ? Math.max(0, high - 5) : high;
  if (c.contains) return `x ${c.contains} x`;
  if (c.endsWith) return `x${c.endsWith}`;
  if (c.ne !== undefined || c.notIn) return 'other';
  return 'yes';
}
