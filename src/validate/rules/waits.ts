import { fieldType } from '../../templates/context.js';
import type { Rule } from '../rule-context.js';

/** A wait waits for one thing: a duration, a date, or a date relative to a contact field. */
export const waitForms: Rule = ({ graph, scenario, error, warn }) => {
  if (!graph) return;
  for (const id of graph.order) {
    const { step, source } = graph.steps[id]!;
    if (step.type === 'wait') {
      if (step.for && step.until) error(`${source}/until`, 'wait-form', 'a wait has either `for` (a duration) or `until` (a date), not both');
      if (!step.for && !step.until) error(source, 'wait-form', `wait step "${id}" needs \`for\` (e.g. \`for: 3 days\`) or \`until\` (a date, or \`{ field: eventDate, before: 1 day }\`)`);
      if (step.until && typeof step.until === 'object') {
        const rel = step.until;
        if (rel.before && rel.after) error(`${source}/until`, 'wait-form', 'give `before` or `after`, not both');
        const type = fieldType(scenario, rel.field);
        if (!type) error(`${source}/until/field`, 'unknown-field', `contact field "${rel.field}" is not declared: add it under \`spec.fields\` as \`${rel.field}: date\``);
        else if (type !== 'date') error(`${source}/until/field`, 'field-not-date', `contact field "${rel.field}" is a ${type}, not a date: waiting relative to it needs \`${rel.field}: date\` in \`spec.fields\``);
      }
    }
    if (step.type === 'wait-for' && step.onTimeout === undefined && step.next === undefined) {
      warn(`${source}/onTimeout`, 'wait-for-same-path', `wait-for step "${id}" goes to the same step whether the condition holds or not; set \`onTimeout\``);
    }
    if (step.type === 'condition' && (step.then ?? null) === (step.else ?? null)) {
      warn(source, 'condition-same-path', `condition step "${id}" goes to the same step either way`);
    }
  }
};
