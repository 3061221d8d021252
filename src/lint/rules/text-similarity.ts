import { htmlToText } from '../../delivery/html.js';
import type { LintRule } from '../lint-rule.js';
import { emailName } from './words.js';

/**
 * Below this share of common words (Jaccard index of the two parts' word sets), the text part
 * no longer says what the HTML says: it was usually left behind when the HTML was edited.
 * Faithful text parts of the examples score 0.9 to 0.98 (they reword a button, drop a caption);
 * SpamAssassin's MPART_ALT_DIFF fires only near 0, so this warns well before a filter would.
 */
export const MIN_TEXT_SIMILARITY = 0.5;

/** Words of 3 letters or more, lower case, addresses left out (they differ by design: tracked links). */
export function wordSet(text: string): Set<string> {
  const words = text.replace(/\b(?:https?:\/\/|mailto:|www\.)\S+/gi, ' ').toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*[\p{L}\p{N}]/gu) ?? [];
  return new Set(words.filter((w) => [...w].length >= 3));
}

export function similarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let common = 0;
  for (const w of a) if (b.has(w)) common++;
  return common / (a.size + b.size - common);
}

export const textSimilarity: LintRule = (input, report) => {
  if (!input.text) return;
  const rendered = input.email.rendered.text;
  const cut = rendered.lastIndexOf('\n-- \n');
  const textWords = wordSet(cut === -1 ? rendered : rendered.slice(0, cut));
  const htmlWords = wordSet(htmlToText(input.body));
  const score = similarity(textWords, htmlWords);
  if (score >= MIN_TEXT_SIMILARITY) return;
  const onlyHtml = [...htmlWords].filter((w) => !textWords.has(w)).slice(0, 6);
  report.inTemplate(input.text.file, 1, 1, 'email-text-differs', `the text part of ${emailName(input)} shares only ${Math.round(score * 100)}% of its words with the HTML (${input.html.file})${onlyHtml.length ? `, which says "${onlyHtml.join('", "')}"… that the text does not` : ''}: readers of the text version get another email, and spam filters flag parts that differ; update the text part to say what the HTML says`);
};
