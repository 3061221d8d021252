import { decodeEntities } from '../../delivery/html.js';
import { splitRendered } from '../email-tags.js';
import type { LintRule } from '../lint-rule.js';
import { emailName } from './words.js';

const ANCHOR = /<a\b[^>]*?\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/gi;

/**
 * A footer of one's own (`spec.unsubscribe.text`) written as HTML must make the unsubscribe
 * address a link: relance appends the address when the text loses it, but an address shown as
 * text is not something a reader can click.
 */
export const unsubscribeLink: LintRule = (input, report) => {
  const custom = input.email.definition.spec.unsubscribe?.text;
  if (!custom || custom.trim() === '') return;
  const url = /<(https?:\/\/[^>]+\/u\/[^>]+)>/.exec(input.email.rendered.headers['List-Unsubscribe'] ?? '')?.[1];
  if (!url) return;
  const { footer } = splitRendered(input.email.rendered.html);
  for (const m of footer.matchAll(ANCHOR)) if (decodeEntities(m[1] ?? m[2] ?? m[3] ?? '').trim() === url) return;
  report.inScenario('/spec/unsubscribe/text', 'email-unsubscribe-not-linked', `the unsubscribe footer of your own (\`spec.unsubscribe.text\`) shows the unsubscribe address as plain text in ${emailName(input)}, not as a link: readers cannot click it and mailbox providers look for a working unsubscribe link; write it as <a href="{{unsubscribeUrl}}">Unsubscribe</a>`);
};
