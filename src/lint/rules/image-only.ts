import type { LintRule } from '../lint-rule.js';
import { emailName } from './words.js';

/**
 * SpamAssassin's HTML_IMAGE_ONLY_xx rules (72_active.cf): an HTML part that contains an image
 * and is at most 3,200 characters long, counted over the whole HTML source. The bands and their
 * scores without network tests or Bayes (score set 0), as a local SpamAssassin applies them.
 */
const BANDS: ReadonlyArray<[max: number, rule: string, score: number]> = [
  [400, 'HTML_IMAGE_ONLY_04', 1.68], [800, 'HTML_IMAGE_ONLY_08', 0.585], [1200, 'HTML_IMAGE_ONLY_12', 1.381], [1600, 'HTML_IMAGE_ONLY_16', 1.969],
  [2000, 'HTML_IMAGE_ONLY_20', 2.109], [2400, 'HTML_IMAGE_ONLY_24', 2.799], [2800, 'HTML_IMAGE_ONLY_28', 2.799], [3200, 'HTML_IMAGE_ONLY_32', 2.196],
];

export interface ImageOnlyHit {
  /** How the email is named in messages. */
  email: string;
  rule: string;
  score: number;
  /** Characters of HTML. */
  length: number;
}

/** The HTML_IMAGE_ONLY rule an HTML part hits, if any. */
export function imageOnlyBand(html: string): Omit<ImageOnlyHit, 'email'> | undefined {
  if (!/<img\b/i.test(html)) return undefined;
  const length = html.length;
  const band = BANDS.find(([max]) => length <= max);
  return band ? { rule: band[1], score: band[2], length } : undefined;
}

/** `1,886`: Intl's formatter is slow to create, and validate may write many of these. */
const n = (value: number) => String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** Where the pixel-only warning points: where `tracking.opens` is, or would be, written. */
export const TRACKING_POINTER = '/spec/tracking';

/** The warning for emails whose only image is the open pixel: one email, or all of a scenario's at once. */
export function pixelOnlyMessage(hits: readonly ImageOnlyHit[]): string {
  const rules = [...new Set(hits.map((h) => `+${h.score} (${h.rule})`))].join(' or ');
  const lengths = hits.map((h) => h.length);
  const what = hits.length === 1
    ? `${hits[0]!.email} is short HTML (${n(lengths[0]!)} characters)`
    : `${hits.length} emails of this scenario (${hits.map((h) => h.email.replace(/^email /, '')).join(', ')}) are short HTML (${n(Math.min(...lengths))} to ${n(Math.max(...lengths))} characters)`;
  return `${what} whose only image is the open-tracking pixel relance adds: SpamAssassin gives HTML with an image and under 3,200 characters ${rules} points (5 in all makes an email spam), because spam often hides its words in an image. To avoid it, write more (over 3,200 characters of HTML, about 300 words), or set \`tracking: { opens: false }\` (open counts are unreliable anyway since Apple Mail loads every pixel); if this scenario needs open counts, write \`tracking: { opens: true }\` to say so and this warning goes away`;
}

/**
 * Short HTML with an image. With only relance's open pixel, the warning points at the scenario's
 * `tracking` (silenced by an explicit `opens: true`: the cost is then a choice); with images of
 * the template's own, at the template.
 */
export const imageOnly: LintRule = (input, report) => {
  const band = imageOnlyBand(input.email.rendered.html);
  if (!band) return;
  const hit = { ...band, email: emailName(input) };
  const images = input.tags.filter((t) => t.name === 'img').length;
  if (images > 0) {
    report.inTemplate(input.html.file, 1, 1, 'email-image-only-html', `${hit.email} is short HTML (${n(hit.length)} characters) with ${images === 1 ? 'an image' : `${images} images`}: SpamAssassin gives HTML with an image and under 3,200 characters +${hit.score} points (${hit.rule}; 5 in all makes an email spam), because spam often hides its words in an image. Add text (over 3,200 characters of HTML, about 300 words) or drop the image`);
    return;
  }
  if (input.email.definition.spec.tracking?.opens === true) return;
  report.inScenario(TRACKING_POINTER, 'email-image-only-html', pixelOnlyMessage([hit]));
};
