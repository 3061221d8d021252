import { triggers } from '../../triggers/index.js';
import type { Rule } from '../rule-context.js';

/** Contacts enter through lists, triggers, or both; each trigger has what it needs. */
export const entryRules: Rule = ({ scenario, error, warn }) => {
  const { entry } = scenario.spec;
  if (!entry.lists && !entry.triggers) {
    error('/spec/entry', 'no-entry', 'nobody can enter this scenario: add `lists` (contact lists) or `triggers` (events)');
  }
  if (entry.runIndefinitely && !entry.lists) {
    error('/spec/entry/runIndefinitely', 'run-indefinitely-without-lists', '`runIndefinitely` keeps a list scenario open to new list members; this scenario has no `lists`');
  }
  if (entry.segment && !entry.lists) {
    error('/spec/entry/segment', 'segment-without-lists', '`segment` filters list members; this scenario has no `lists` (use `when` on a trigger instead)');
  }
  entry.triggers?.forEach((trigger, i) => {
    const def = triggers[trigger.on];
    const at = `/spec/entry/triggers/${i}`;
    for (const param of def.required) {
      if (trigger[param] === undefined) error(at, 'trigger-param', `the ${trigger.on} trigger needs \`${param}\``);
    }
    for (const key of Object.keys(trigger) as Array<keyof typeof trigger>) {
      if (key === 'on' || key === 'when' || key === 'rateLimit') continue;
      if (!def.required.includes(key) && !def.optional.includes(key)) {
        error(`${at}/${key}`, 'trigger-param', `\`${key}\` means nothing for the ${trigger.on} trigger`, { onKey: true });
      }
    }
    if (trigger.step && !trigger.scenario) error(`${at}/step`, 'trigger-param', '`step` needs `scenario` (the scenario the step belongs to)', { onKey: true });
    if (trigger.above !== undefined && trigger.below !== undefined && trigger.above >= trigger.below) {
      warn(at, 'trigger-never', `a score cannot go above ${trigger.above} and below ${trigger.below} at once`);
    }
  });
  if (scenario.spec.priority && !scenario.spec.exclusive) {
    warn('/spec/priority', 'priority-without-exclusive', '`priority` only breaks ties between exclusive scenarios; set `exclusive: true`');
  }
};
