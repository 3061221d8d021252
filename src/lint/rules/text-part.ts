import type { LintRule } from '../lint-rule.js';
import { emailName } from './words.js';

/**
 * No hand-written text part. relance always sends one, derived from the HTML, and for an email
 * of paragraphs and links that version is as good as a hand-written one: no warning then. It is
 * poorer when the HTML carries images (their content, alt text included, disappears) or a
 * designed layout of tables (columns come out one after the other): then a hand-written text
 * part is worth it, as text-only readers, watches and spam filters comparing parts read it.
 */
export const textPart: LintRule = (input, report) => {
  if (input.text) return;
  const images = input.tags.filter((t) => t.name === 'img').length;
  const tables = input.html.text.match(/<table\b/gi)?.length ?? 0;
  const layout = /<html[\s>]/i.test(input.html.text) && tables >= 2;
  if (images === 0 && !layout) return;
  const lost = [images > 0 ? (images === 1 ? 'its image (and its alt text)' : `its ${images} images (and their alt text)`) : '', layout ? `its ${tables}-table layout` : ''].filter(Boolean).join(' and ');
  const txt = input.html.file.replace(/\.html\.hbs$/, '.txt.hbs');
  report.inTemplate(input.html.file, 1, 1, 'email-no-text-part', `${emailName(input)} has no hand-written text part: relance derives one from the HTML, which loses ${lost}; text-only readers, watches and spam filters that compare the two parts see that version. Check it in the preview, or write ${txt} with the same message in plain words`);
};
