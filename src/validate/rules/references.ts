import { forEachLeaf } from '../../conditions/walk.js';
import type { Condition } from '../../schema/scenario.gen.js';
import { stepDefinition } from '../../steps/index.js';
import type { Rule, RuleContext } from '../rule-context.js';

/** Engagement conditions (`opened: X`) and threads (`thread: X`) must name an email step. */
export const emailReferences: Rule = (ctx) => {
  const { graph, scenario, error } = ctx;
  if (!graph) return;
  const emails = new Set(graph.order.filter((id) => graph.steps[id]!.step.type === 'email'));
  const check = (target: string, pointer: string, what: string): void => {
    if (target === 'any' && what !== 'thread') return;
    if (!graph.steps[target]) error(pointer, 'unknown-step', `${what} refers to step "${target}", which does not exist`);
    else if (!emails.has(target)) error(pointer, 'not-an-email', `${what} refers to step "${target}", which is a ${graph.steps[target]!.step.type} step, not an email`);
  };
  for (const id of graph.order) {
    const { step, source } = graph.steps[id]!;
    if (step.type === 'email' && step.thread) {
      if (step.thread === step.id) error(`${source}/thread`, 'thread-self', 'an email cannot reply in its own thread');
      else check(step.thread, `${source}/thread`, 'thread');
    }
    for (const { condition, at } of stepDefinition(step).conditions(step)) engagementRefs(condition, `${source}${at}`, check);
  }
  scenario.spec.exitOn?.forEach((rule, i) => {
    if (typeof rule === 'object') engagementRefs(rule.when, `/spec/exitOn/${i}/when`, check);
  });
  if (scenario.spec.entry.segment) forbidEngagement(ctx, scenario.spec.entry.segment, '/spec/entry/segment', 'a list segment');
};

function engagementRefs(condition: Condition, pointer: string, check: (target: string, pointer: string, what: string) => void): void {
  forEachLeaf(condition, (leaf, suffix) => {
    for (const kind of ['opened', 'clicked', 'reacted', 'replied', 'bounced', 'delivered', 'received'] as const) {
      const target = (leaf as Record<string, unknown>)[kind];
      if (typeof target === 'string') check(target, `${pointer}${suffix}/${kind}`, `"${kind}"`);
    }
  });
}

/** Before entering, a contact has no history in the scenario: engagement cannot be tested. */
function forbidEngagement(ctx: RuleContext, condition: Condition, pointer: string, where: string): void {
  forEachLeaf(condition, (leaf, suffix) => {
    const key = Object.keys(leaf)[0] ?? '';
    if (['opened', 'clicked', 'reacted', 'replied', 'bounced', 'delivered', 'received', 'formSubmitted'].includes(key)) {
      ctx.error(`${pointer}${suffix}/${key}`, 'engagement-before-entry', `${where} is checked before the contact receives anything: "${key}" can never be true there`);
    }
  });
}

/** A migration maps old step ids to steps of this version. */
export const updateStrategy: Rule = ({ scenario, graph, error, warn }) => {
  const strategy = scenario.spec.updateStrategy;
  if (!strategy?.stepMap) return;
  if ((strategy.type ?? 'pin') === 'pin') {
    warn('/spec/updateStrategy/stepMap', 'step-map-ignored', '`stepMap` only applies with `type: migrate`; pinned contacts keep their version');
  }
  if (!graph) return;
  for (const [from, to] of Object.entries(strategy.stepMap)) {
    if (!to) continue;
    if (!graph.steps[to]) error(`/spec/updateStrategy/stepMap/${from}`, 'unknown-step', `maps "${from}" to step "${to}", which does not exist in this version`);
    if (graph.steps[from]) warn(`/spec/updateStrategy/stepMap/${from}`, 'step-map-existing', `step "${from}" still exists: contacts there stay there, this mapping is never used`, { onKey: true });
  }
};

const EXIT_HIDES: Record<string, string[]> = { reply: ['replied'], bounce: ['bounced'], form: ['formSubmitted'] };

/** With `exitOn: [reply]` a contact who replies is gone: a later `{ replied: … }` test is always false. */
export const exitHidesCondition: Rule = ({ scenario, graph, warn }) => {
  if (!graph) return;
  const exits = (scenario.spec.exitOn ?? ['reply', 'unsubscribe', 'bounce']).filter((r) => typeof r === 'string') as string[];
  const hidden = new Map(exits.flatMap((e) => (EXIT_HIDES[e] ?? []).map((k) => [k, e] as const)));
  // A catalogue template's form checks are its own "except form" rule: they are the exit.
  if (scenario.spec.template) hidden.delete('formSubmitted');
  for (const id of graph.order) {
    const { step, source } = graph.steps[id]!;
    for (const { condition, at } of stepDefinition(step).conditions(step)) {
      forEachLeaf(condition, (leaf, suffix) => {
        const key = Object.keys(leaf)[0] ?? '';
        const exit = hidden.get(key);
        if (exit) warn(`${source}${at}${suffix}/${key}`, 'exit-hides-condition', `\`exitOn: ${exit}\` makes a contact leave as soon as this happens, so "${key}" is never true here; remove "${exit}" from \`exitOn\` to handle it in the steps`);
      });
    }
  }
};
