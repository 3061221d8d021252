import type { LintRule } from '../lint-rule.js';
import { emailName, hostOf, shortUrl } from './words.js';

/** `http:` links and images (relance's own links are left to `RELANCE_PUBLIC_URL`). */
export const insecureLinks: LintRule = (input, report) => {
  for (const tag of input.tags) {
    const url = tag.url;
    if (!url || !/^http:/i.test(url) || hostOf(url) === input.trackingDomain) continue;
    const at = { line: tag.urlLine ?? tag.line, column: tag.urlColumn ?? tag.column };
    const message = tag.name === 'a'
      ? `link to an unencrypted http: address in ${emailName(input)} (${shortUrl(url)}): browsers warn "Not secure" and some spam filters count it against the email; use https://`
      : `image loaded over unencrypted http: in ${emailName(input)} (${shortUrl(url)}): several inboxes refuse or warn about it; use https://`;
    report.inTemplate(input.html.file, at.line, at.column, 'email-http-link', message);
  }
};
