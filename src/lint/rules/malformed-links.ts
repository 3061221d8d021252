import type { EmailTag } from '../email-tags.js';
import type { LintRule } from '../lint-rule.js';
import { emailName, shortUrl } from './words.js';

/** Why a link or image address cannot work in an email, or undefined when it can. */
export function linkProblem(tag: EmailTag): string | undefined {
  const key = tag.name === 'a' ? 'href' : 'src';
  const written = tag.written[key];
  if (written === undefined || written === true) return tag.name === 'a' ? (Object.hasOwn(tag.written, 'name') || Object.hasOwn(tag.written, 'id') ? undefined : 'has no href: it goes nowhere') : 'has no src';
  const url = tag.url;
  if (url === undefined) return undefined; // built from values this contact does not reveal (a loop, a false #if)
  if (url === '') return 'is empty for this contact (its address comes from a variable with no value)';
  if (/\{\{|\}\}/.test(url)) return `still holds template braces once rendered ("${shortUrl(url)}"): a {{…}} is mistyped`;
  if (tag.name === 'a' && url.startsWith('#')) return url === '#' ? 'points to "#", a placeholder that was never replaced' : undefined;
  if (/\s/.test(url)) return `contains a space ("${shortUrl(url)}"): many inboxes cut the link there`;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  if (!scheme) return `is relative ("${shortUrl(url)}"): an email has no page it is relative to; write the full address, https://…`;
  if (scheme === 'mailto') return /^mailto:[^@\s?]+@[^@\s?]+\.[^@\s?]+(\?.*)?$/i.test(url) ? undefined : `is not a valid mailto: address ("${shortUrl(url)}")`;
  if (scheme === 'tel' || scheme === 'sms' || scheme === 'cid' || scheme === 'data') return undefined;
  if (scheme !== 'http' && scheme !== 'https') return `uses "${scheme}:", which inboxes block or cannot open`;
  if (!/^https?:\/\/[^/]/i.test(url)) return `is malformed ("${shortUrl(url)}"): an address starts with https:// and a domain`;
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    return `is not a valid address ("${shortUrl(url)}")`;
  }
  if (!host.includes('.') && host !== 'localhost') return `has no domain ("${host}" in "${shortUrl(url)}")`;
  return undefined;
}

/** Links and image addresses that cannot work in an inbox. */
export const malformedLinks: LintRule = (input, report) => {
  for (const tag of input.tags) {
    const problem = linkProblem(tag);
    if (!problem) continue;
    const what = tag.name === 'a' ? 'a link' : 'an image';
    report.inTemplate(input.html.file, tag.urlLine ?? tag.line, tag.urlColumn ?? tag.column, 'email-malformed-link', `${what} in ${emailName(input)} ${problem}`);
  }
};
