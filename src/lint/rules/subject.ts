import type { LintInput, LintRule } from '../lint-rule.js';
import { emailName } from './words.js';

/** RFC 5322's recommended line length, and about what a desktop inbox shows of a subject. */
export const MAX_SUBJECT = 78;

/** Where the email's subject is written: the variant's own, the step's, or its thread's. */
export function subjectPointer({ email }: LintInput): string {
  const variant = email.step.languages && Object.hasOwn(email.step.languages, email.language) ? email.step.languages[email.language] : undefined;
  if (variant?.subject) return `${email.pointer}/languages/${email.language}/subject`;
  return email.step.thread ? `${email.pointer}/thread` : `${email.pointer}/subject`;
}

export const subjectTooLong: LintRule = (input, report) => {
  const subject = input.email.rendered.subject;
  const length = [...subject].length;
  if (length <= MAX_SUBJECT) return;
  report.inScenario(subjectPointer(input), 'email-subject-too-long', `the subject of ${emailName(input)} is ${length} characters for ${input.email.contact.email} ("${subject}"): inboxes cut subjects at 40 to 70 characters, so the end is never read; keep it under ${MAX_SUBJECT}, with the point in the first 40`);
};

export const subjectEmpty: LintRule = (input, report) => {
  if (input.email.rendered.subject.trim() !== '') return;
  report.inScenario(subjectPointer(input), 'email-subject-empty', `the subject of ${emailName(input)} is empty for ${input.email.contact.email} once rendered: every variable in it is empty for this contact; give them a fallback, e.g. {{default firstName "Hello"}}`);
};
