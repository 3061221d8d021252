import type { TemplateName } from '../../../src/catalogue/types.js';
import type { ModelContact, Rule, Segment } from './helpers.js';

/**
 * SPEC 3.4's audience column, rewritten by hand as predicates. "recipients of X" = got X;
 * "actives of X" = reacted to X (which needs having got it); "inactives of X" = got X, no reaction.
 */
const all = (): boolean => true;
const got = (k: string) => (c: ModelContact): boolean => c.got(k);
const actives = (k: string) => (c: ModelContact): boolean => c.reacted(k);
const inactives = (k: string) => (c: ModelContact): boolean => c.got(k) && !c.reacted(k);
const rule = (key: string, audience: Rule['audience'], exceptForm = false): Rule => ({ key, audience, exceptForm });

function inSegment(s: 'a' | 'b', c: ModelContact): boolean {
  const matchesA = c.segment === 'a' || c.segment === 'ab';
  const matchesB = c.segment === 'b' || c.segment === 'ab';
  return s === 'a' ? matchesA : matchesB && !matchesA; // A is tested first
}

function hyperSegment(s: 'a' | 'b'): Rule[] {
  const k = (name: string): string => `${s}-${name}`;
  return [
    rule(k('initial'), (c) => inSegment(s, c)),
    rule(k('inactive'), inactives(k('initial'))),
    rule(k('active-1'), (c) => c.reacted(k('initial')) || c.reacted(k('inactive')), true),
    rule(k('active-2'), actives(k('active-1')), true),
  ];
}

function quarterlyPeriod(p: number): Rule[] {
  return [
    rule(`p${p}-initial`, p === 1 ? all : got(`p${p - 1}-active-2`), p > 1),
    rule(`p${p}-active-1`, actives(`p${p}-initial`), true),
    rule(`p${p}-active-2`, actives(`p${p}-active-1`), true),
  ];
}

function noFormPeriod(p: number): Rule[] {
  return [
    rule(`p${p}-initial`, p === 1 ? all : got(`p${p - 1}-active`)),
    rule(`p${p}-active`, actives(`p${p}-initial`)),
  ];
}

export interface TemplateSpec {
  campaigns: number;
  /** Campaigns in time order, each with its audience. */
  rules: Rule[];
  /** The chains of campaigns one contact can follow (their delays add up). */
  chains: string[][];
  segments: Segment[];
}

const single = (rules: Rule[]): Pick<TemplateSpec, 'chains' | 'segments'> => ({ chains: [rules.map((r) => r.key)], segments: ['none'] });

const standard = [rule('initial', all), rule('global-1', got('initial'), true), rule('global-2', got('global-1'), true)];
const deep = [
  rule('initial', all),
  rule('active', actives('initial'), true),
  rule('inactive-1', inactives('initial')),
  rule('inactive-2', inactives('inactive-1')),
  rule('global-1', (c) => c.reacted('inactive-1') || c.got('active'), true),
  rule('global-2', got('global-1'), true),
  rule('global-3', got('global-2'), true),
];
const quarterly = [1, 2, 3].flatMap(quarterlyPeriod);
const noForm = [1, 2, 3].flatMap(noFormPeriod);
const inactiveRelaunch = [rule('initial', all), rule('inactive-1', inactives('initial')), rule('inactive-2', inactives('inactive-1'))];
const quick = [rule('initial', all), rule('active', actives('initial')), rule('inactive', inactives('initial'), true)];
const monthly = [rule('initial', all), rule('active-1', actives('initial'), true), rule('active-2', actives('active-1'), true)];
const hyper = [...hyperSegment('a'), ...hyperSegment('b')];

export const SPEC: Record<TemplateName, TemplateSpec> = {
  standard: { campaigns: 3, rules: standard, ...single(standard) },
  'hyper-personalized': {
    campaigns: 8,
    rules: hyper,
    chains: [hyper.slice(0, 4).map((r) => r.key), hyper.slice(4).map((r) => r.key)],
    segments: ['a', 'b', 'ab', 'none'],
  },
  deep: { campaigns: 7, rules: deep, ...single(deep) },
  quarterly: { campaigns: 9, rules: quarterly, ...single(quarterly) },
  'no-form': { campaigns: 6, rules: noForm, ...single(noForm) },
  'inactive-relaunch': { campaigns: 3, rules: inactiveRelaunch, ...single(inactiveRelaunch) },
  quick: { campaigns: 3, rules: quick, ...single(quick) },
  monthly: { campaigns: 3, rules: monthly, ...single(monthly) },
};
