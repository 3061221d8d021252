import type { LintRule } from '../lint-rule.js';
import { emailName, shortUrl } from './words.js';

/** Images without `alt`: blocked images show nothing in their place, screen readers read the file name. */
export const imageAlt: LintRule = (input, report) => {
  for (const tag of input.tags) {
    if (tag.name !== 'img' || Object.hasOwn(tag.written, 'alt')) continue;
    const src = typeof tag.written.src === 'string' ? ` (${shortUrl(tag.url ?? tag.written.src)})` : '';
    report.inTemplate(input.html.file, tag.line, tag.column, 'email-image-no-alt', `image without alt text in ${emailName(input)}${src}: many inboxes block images until the reader allows them and show the alt text instead, and screen readers read it aloud; add alt="what the image says" (alt="" for a purely decorative image)`);
  }
};
