import type { Condition } from '../schema/scenario.gen.js';

/** Calls `visit` on every leaf of a condition (through all / any / not). */
export function forEachLeaf(condition: Condition, visit: (leaf: Condition, pointerSuffix: string) => void, suffix = ''): void {
  if ('all' in condition) condition.all.forEach((c, i) => forEachLeaf(c, visit, `${suffix}/all/${i}`));
  else if ('any' in condition) condition.any.forEach((c, i) => forEachLeaf(c, visit, `${suffix}/any/${i}`));
  else if ('not' in condition) forEachLeaf(condition.not, visit, `${suffix}/not`);
  else visit(condition, suffix);
}
