import { outputReferences } from '../../samples/output-references.js';
import type { LintRule } from '../lint-rule.js';
import { subjectPointer } from './subject.js';
import { emailName } from './words.js';

/** Variables printed in the email that no sample contact has a value for: the email shows a gap there. */
export const unresolvedVariables: LintRule = (input, report) => {
  if (input.unresolved.length === 0) return;
  const missing = new Set(input.unresolved);
  const message = (name: string, path: string) =>
    `{{${path}}} prints nothing in ${emailName(input)}: no sample contact has a value for "${name}"; if real contacts may lack it too, give it a fallback ({{default ${path} "…"}}) or wrap the sentence in {{#if ${path}}}…{{/if}}`;
  for (const part of [input.html, input.text]) {
    if (!part) continue;
    for (const ref of outputReferences(part.text)) if (missing.has(ref.name)) report.inTemplate(part.file, ref.line, ref.column, 'email-unresolved-variable', message(ref.name, ref.path));
  }
  const { step, language } = input.email;
  const variant = step.languages && Object.hasOwn(step.languages, language) ? step.languages[language] : undefined;
  for (const ref of outputReferences(variant?.subject ?? step.subject)) {
    if (missing.has(ref.name)) report.inScenario(subjectPointer(input), 'email-unresolved-variable', message(ref.name, ref.path));
  }
  const preheader = variant?.preheader ? `${input.email.pointer}/languages/${language}/preheader` : `${input.email.pointer}/preheader`;
  for (const ref of outputReferences(variant?.preheader ?? step.preheader ?? '')) {
    if (missing.has(ref.name)) report.inScenario(preheader, 'email-unresolved-variable', message(ref.name, ref.path));
  }
};
