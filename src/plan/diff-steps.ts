import type { StepGraph } from '../schema/compiled.js';
import { canonicalJson } from '../compile/normalize.js';
import type { Scenario } from '../schema/scenario.gen.js';
import type { CountRow } from '../state/scenario-store.js';
import type { StepChange } from './types.js';

/** Steps added, removed and changed between two versions, each with the contacts it touches. */
export function diffSteps(before: StepGraph, after: StepGraph, positions: Map<string, number>): StepChange[] {
  const reach = reachability(after);
  const touched = (id: string): number => {
    let n = 0;
    for (const [at, count] of positions) if (at === id || reach.get(at)?.has(id)) n += count;
    return n;
  };
  const out: StepChange[] = [];
  for (const id of after.order) {
    const old = before.steps[id];
    if (!old) { out.push({ id, change: 'added', details: [], touched: touched(id) }); continue; }
    const details = changedProperties(old.step as unknown as Record<string, unknown>, after.steps[id]!.step as unknown as Record<string, unknown>);
    const edgesChanged = canonicalJson(old.edges) !== canonicalJson(after.steps[id]!.edges);
    if (edgesChanged && details.length === 0) details.push(`leads to ${after.steps[id]!.edges.map((e) => e.to ?? 'end').join(', ')}`);
    if (details.length > 0) out.push({ id, change: 'changed', details, touched: touched(id) });
  }
  for (const id of before.order) {
    if (!after.steps[id]) out.push({ id, change: 'removed', details: [], touched: positions.get(`removed:${id}`) ?? 0 });
  }
  return out;
}

/**
 * Where in-progress contacts stand, in the new version's terms: their step if it still exists,
 * else the step the migration maps it to, else `removed:<id>`.
 */
export function positionsIn(after: StepGraph, rows: CountRow[], stepMap: Record<string, string | undefined>): Map<string, number> {
  const positions = new Map<string, number>();
  for (const row of rows) {
    const at = after.steps[row.step] ? row.step : stepMap[row.step] && after.steps[stepMap[row.step]!] ? stepMap[row.step]! : `removed:${row.step}`;
    positions.set(at, (positions.get(at) ?? 0) + row.count);
  }
  return positions;
}

export function changedSpec(before: Scenario, after: Scenario): string[] {
  const out: string[] = [];
  const b = before.spec as unknown as Record<string, unknown>;
  const a = after.spec as unknown as Record<string, unknown>;
  for (const key of [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()) {
    if (key === 'steps' || key === 'suspend') continue;
    if (key === 'campaigns') {
      const bc = (b.campaigns ?? {}) as Record<string, unknown>;
      const ac = (a.campaigns ?? {}) as Record<string, unknown>;
      for (const c of [...new Set([...Object.keys(bc), ...Object.keys(ac)])].sort()) {
        if (canonicalJson(bc[c]) !== canonicalJson(ac[c])) out.push(`spec.campaigns.${c}`);
      }
    } else if (canonicalJson(b[key]) !== canonicalJson(a[key])) out.push(`spec.${key}`);
  }
  if (canonicalJson(before.metadata) !== canonicalJson(after.metadata)) out.push('metadata');
  return out;
}

/** What changed inside each changed campaign, worded as step changes are. */
export function campaignDetails(before: Scenario, after: Scenario, paths: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const path of paths) {
    const key = /^spec\.campaigns\.(.+)$/.exec(path)?.[1];
    if (key === undefined) continue;
    const b = (before.spec.campaigns as Record<string, unknown> | undefined)?.[key];
    const a = (after.spec.campaigns as Record<string, unknown> | undefined)?.[key];
    if (b && a && typeof b === 'object' && typeof a === 'object') out[path] = changedProperties(b as Record<string, unknown>, a as Record<string, unknown>);
  }
  return out;
}

function changedProperties(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    // A property only one side has (a `preheader` added) canonicalises to undefined on the other.
    const b: string | undefined = before[key] === undefined ? undefined : canonicalJson(before[key]);
    const a: string | undefined = after[key] === undefined ? undefined : canonicalJson(after[key]);
    if (a === b) continue;
    const short = (s: string | undefined) => (s === undefined ? '(none)' : s.replace(/^"|"$/g, ''));
    out.push((a?.length ?? 6) + (b?.length ?? 6) < 80 ? `${key}: ${short(b)} → ${short(a)}` : key);
  }
  return out;
}

/** For each step, every step reachable from it (graphs are small: at most 500 steps). */
function reachability(graph: StepGraph): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const start of graph.order) {
    const seen = new Set<string>();
    const queue = [start];
    while (queue.length) {
      for (const e of graph.steps[queue.pop()!]?.edges ?? []) {
        if (e.to && !seen.has(e.to)) { seen.add(e.to); queue.push(e.to); }
      }
    }
    out.set(start, seen);
  }
  return out;
}
