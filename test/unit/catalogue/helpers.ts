import type { Campaign, Step } from '../../../src/schema/scenario.gen.js';
import type { CatalogueTemplate, ExpandInput } from '../../../src/catalogue/types.js';
import { runWalk, type RunResult } from '../../helpers/run-walk.js';

/** What SPEC 3.4 says of one campaign, written here independently of the implementation. */
export interface Rule {
  key: string;
  exceptForm: boolean;
  /** Whether the contact is in the audience, given what it did with the campaigns it got before. */
  audience: (c: ModelContact) => boolean;
}

export interface ModelContact {
  got(key: string): boolean;
  reacted(key: string): boolean;
  segment: Segment;
}

export type Segment = 'a' | 'b' | 'ab' | 'none';

export interface TestBehaviour {
  reacts: Set<string>;
  formAfter: string | null;
  segment: Segment;
}

/** Segments for the hyper-personalized template: `ab` contacts match both (A wins). */
export const SEGMENTS = {
  a: { field: 'segment', in: ['a', 'ab'] as [string, string] },
  b: { field: 'segment', in: ['b', 'ab'] as [string, string] },
};

export function campaignsFor(template: CatalogueTemplate, extra: (key: string, i: number) => Partial<Campaign> = () => ({})): Record<string, Campaign> {
  return Object.fromEntries(template.slots.map((s, i) => [s.key, { template: `emails/${s.key}`, subject: `Subject ${s.key}`, ...extra(s.key, i) }]));
}

export function inputFor(template: CatalogueTemplate, extra?: (key: string, i: number) => Partial<Campaign>): ExpandInput {
  return {
    campaigns: campaignsFor(template, extra),
    ...(template.needsSegments ? { segments: SEGMENTS } : {}),
    ...(template.needsForm ? { form: { id: 'lead-form' } } : {}),
  };
}

/** Every subset of reactions × every form point (after each campaign, or never) × each segment. */
export function allBehaviours(keys: readonly string[], segments: readonly Segment[]): TestBehaviour[] {
  const out: TestBehaviour[] = [];
  for (let mask = 0; mask < 1 << keys.length; mask++) {
    const reacts = new Set(keys.filter((_, i) => mask & (1 << i)));
    for (const formAfter of [null, ...keys]) {
      for (const segment of segments) out.push({ reacts, formAfter, segment });
    }
  }
  return out;
}

export function label(b: TestBehaviour): string {
  return `reacts=[${[...b.reacts].join(',')}] form=${b.formAfter ?? 'never'} segment=${b.segment}`;
}

/** Where the engine's own walk takes a contact with this behaviour through the steps. */
export function runTrace(steps: Step[], b: TestBehaviour): RunResult {
  return runWalk(steps, { reacts: b.reacts, formAfter: b.formAfter, fields: { segment: b.segment } });
}

/**
 * The SPEC model: campaigns in time order; a contact in a campaign's audience who already
 * submitted the form, where the campaign says "except form", leaves the scenario (success).
 */
export function expected(rules: readonly Rule[], b: TestBehaviour): { sent: string[]; left: boolean } {
  const sent: string[] = [];
  const got = (key: string): boolean => sent.includes(key);
  const contact: ModelContact = { got, reacted: (key) => got(key) && b.reacts.has(key), segment: b.segment };
  for (const rule of rules) {
    if (!rule.audience(contact)) continue;
    const formDone = b.formAfter !== null && got(b.formAfter);
    if (rule.exceptForm && formDone) return { sent, left: true };
    sent.push(rule.key);
  }
  return { sent, left: false };
}

/** Step ids reachable from the first step. */
export function reachable(steps: Step[], edgesOf: (step: Step, fallthrough: string | null) => Array<{ to: string | null }>): Set<string> {
  const byId = new Map(steps.map((s, i) => [s.id, { s, fall: steps[i + 1]?.id ?? null }]));
  const seen = new Set<string>([steps[0]!.id]);
  const queue = [steps[0]!.id];
  while (queue.length > 0) {
    const { s, fall } = byId.get(queue.shift()!)!;
    for (const e of edgesOf(s, fall)) if (e.to && !seen.has(e.to)) { seen.add(e.to); queue.push(e.to); }
  }
  return seen;
}
