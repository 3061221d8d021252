import type { WaitStep } from '../../schema/scenario.gen.js';
import { fieldType } from '../../templates/context.js';
import type { StepCheckContext } from '../types.js';

/** A wait waits for one thing: a duration, a date, or a date relative to a contact field. */
export function checkWait(step: WaitStep, { scenario, source, error }: StepCheckContext): void {
  if (step.for && step.until) error(`${source}/until`, 'wait-form', 'a wait has either `for` (a duration) or `until` (a date), not both');
  if (!step.for && !step.until) error(source, 'wait-form', `wait step "${step.id}" needs \`for\` (e.g. \`for: 3 days\`) or \`until\` (a date, or \`{ field: eventDate, before: 1 day }\`)`);
  if (step.until && typeof step.until === 'object') {
    const rel = step.until;
    if (rel.before && rel.after) error(`${source}/until`, 'wait-form', 'give `before` or `after`, not both');
    const type = fieldType(scenario, rel.field);
    if (!type) error(`${source}/until/field`, 'unknown-field', `contact field "${rel.field}" is not declared: add it under \`spec.fields\` as \`${rel.field}: date\``);
    else if (type !== 'date') error(`${source}/until/field`, 'field-not-date', `contact field "${rel.field}" is a ${type}, not a date: waiting relative to it needs \`${rel.field}: date\` in \`spec.fields\``);
  }
}
