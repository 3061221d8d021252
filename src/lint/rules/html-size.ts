import type { LintRule } from '../lint-rule.js';
import { emailName } from './words.js';

/** Gmail shows "[Message clipped]" and hides the rest, footer and unsubscribe link included, past this many bytes of HTML. */
export const GMAIL_CLIP_BYTES = 102 * 1024;

export const htmlSize: LintRule = (input, report) => {
  const bytes = Buffer.byteLength(input.email.rendered.html, 'utf8');
  if (bytes <= GMAIL_CLIP_BYTES) return;
  const kb = (n: number) => `${Math.round(n / 1024)} KB`;
  report.inTemplate(input.html.file, 1, 1, 'email-html-clipped', `the HTML of ${emailName(input)} is ${kb(bytes)} once rendered with tracked links: Gmail clips emails over 102 KB, hiding the end of the email and its unsubscribe link behind "View entire message"; remove inline styles repeated on every element, comments and unused markup, or split the content`);
};
