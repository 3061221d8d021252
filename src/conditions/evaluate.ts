import type { Condition, EngagementCondition, FieldCondition, Scalar } from '../schema/scenario.gen.js';

export type EngagementKind = keyof EngagementCondition;

/** What a condition can see of a contact. The runtime and the tests each provide one. */
export interface ContactView {
  field(name: string): unknown;
  /** Whether the contact did `kind` with email step `stepId` (`any`: any email of the scenario). */
  engaged(kind: EngagementKind, stepId: string): boolean;
  formSubmitted(): boolean;
}

/** Evaluates a condition against a contact. Pure: no I/O, no clock. */
export function evaluate(condition: Condition, contact: ContactView): boolean {
  if ('all' in condition) return condition.all.every((c) => evaluate(c, contact));
  if ('any' in condition) return condition.any.some((c) => evaluate(c, contact));
  if ('not' in condition) return !evaluate(condition.not, contact);
  if ('field' in condition) return fieldMatches(condition, contact.field(condition.field));
  if ('score' in condition) return fieldMatches({ field: 'score', ...condition.score }, Number(contact.field('score') ?? 0));
  if ('tag' in condition) return tagsOf(contact).includes(condition.tag.toLowerCase());
  if ('status' in condition) {
    const wanted = ([] as string[]).concat(condition.status);
    return wanted.includes(String(contact.field('status') ?? ''));
  }
  if ('formSubmitted' in condition) return contact.formSubmitted();
  const [kind, stepId] = Object.entries(condition)[0] as [EngagementKind, string];
  if (kind === 'reacted') return contact.engaged('opened', stepId) || contact.engaged('clicked', stepId);
  return contact.engaged(kind, stepId);
}

function tagsOf(contact: ContactView): string[] {
  const tags = contact.field('tags');
  const list = Array.isArray(tags) ? tags : typeof tags === 'string' ? tags.split(/[,;|]/) : [];
  return list.map((t) => String(t).trim().toLowerCase());
}

function fieldMatches(c: FieldCondition, value: unknown): boolean {
  const empty = value === undefined || value === null || value === '';
  if (c.exists !== undefined && c.exists === empty) return false;
  if (empty) return c.exists === true ? false : c.exists === false || onlyNegative(c);
  if (c.eq !== undefined && !same(value, c.eq)) return false;
  if (c.ne !== undefined && same(value, c.ne)) return false;
  if (c.in !== undefined && !c.in.some((v) => same(value, v))) return false;
  if (c.notIn !== undefined && c.notIn.some((v) => same(value, v))) return false;
  if (c.gt !== undefined && !(compare(value, c.gt) > 0)) return false;
  if (c.gte !== undefined && !(compare(value, c.gte) >= 0)) return false;
  if (c.lt !== undefined && !(compare(value, c.lt) < 0)) return false;
  if (c.lte !== undefined && !(compare(value, c.lte) <= 0)) return false;
  if (c.contains !== undefined && !String(value).toLowerCase().includes(c.contains.toLowerCase())) return false;
  if (c.endsWith !== undefined && !String(value).toLowerCase().endsWith(c.endsWith.toLowerCase())) return false;
  return true;
}

/** An empty field satisfies `ne` / `notIn` and nothing else. */
function onlyNegative(c: FieldCondition): boolean {
  return c.eq === undefined && c.in === undefined && c.gt === undefined && c.gte === undefined
    && c.lt === undefined && c.lte === undefined && c.contains === undefined && c.endsWith === undefined;
}

function same(value: unknown, expected: Scalar): boolean {
  if (typeof expected === 'number') return Number(value) === expected;
  if (typeof expected === 'boolean') return String(value).toLowerCase() === String(expected);
  return String(value).toLowerCase() === expected.toLowerCase();
}

/** Numbers compare as numbers; anything else (ISO dates) as text. */
function compare(value: unknown, bound: number | string): number {
  if (typeof bound === 'number') return Number(value) - bound;
  const a = String(value);
  return a < bound ? -1 : a > bound ? 1 : 0;
}
