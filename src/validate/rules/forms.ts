import { forEachLeaf } from '../../conditions/walk.js';
import type { Condition } from '../../schema/scenario.gen.js';
import { stepDefinition } from '../../steps/index.js';
import type { Rule } from '../rule-context.js';

/**
 * A scenario has one single form (002 insists): every reference to a form must be to that one,
 * and a reference with no form declared is an error.
 */
export const singleForm: Rule = ({ scenario, graph, error }) => {
  const form = scenario.spec.form?.id;
  const refer = (pointer: string, id: string | true): void => {
    if (!form) error(pointer, 'no-form', 'this refers to a form, but the scenario has none: declare it under `spec.form`');
    else if (id !== true && id !== form) error(pointer, 'multiple-forms', `a scenario uses one single form ("${form}"); "${id}" would be a second one`);
  };
  const inCondition = (condition: Condition, pointer: string): void => forEachLeaf(condition, (leaf, suffix) => {
    if ('formSubmitted' in leaf) refer(`${pointer}${suffix}/formSubmitted`, leaf.formSubmitted);
  });
  scenario.spec.entry.triggers?.forEach((t, i) => {
    if (t.form) refer(`/spec/entry/triggers/${i}/form`, t.form);
    if (t.when) inCondition(t.when, `/spec/entry/triggers/${i}/when`);
  });
  scenario.spec.exitOn?.forEach((rule, i) => {
    if (rule === 'form') refer(`/spec/exitOn/${i}`, true);
    else if (typeof rule === 'object') inCondition(rule.when, `/spec/exitOn/${i}/when`);
  });
  if (!graph) return;
  for (const id of graph.order) {
    const { step, source } = graph.steps[id]!;
    for (const { condition, at } of stepDefinition(step).conditions(step)) inCondition(condition, `${source}${at}`);
  }
};
