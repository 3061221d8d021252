import type { LintRule } from '../lint-rule.js';
import { looksLikeTracker, SHORTENERS, trackerOf } from './tracker-hosts.js';
import { emailName, shortUrl } from './words.js';

/** Links (and pixels) through someone else's click tracker or a URL shortener. */
export const thirdPartyTracking: LintRule = (input, report) => {
  for (const tag of input.tags) {
    if (!tag.url || !/^https?:\/\//i.test(tag.url)) continue;
    let url: URL;
    try {
      url = new URL(tag.url);
    } catch {
      continue;
    }
    const host = url.hostname.toLowerCase();
    if (host === input.trackingDomain) continue;
    const provider = trackerOf(host);
    const at = { line: tag.urlLine ?? tag.line, column: tag.urlColumn ?? tag.column };
    const what = tag.name === 'a' ? 'a link' : 'an image';
    const where = `${what} in ${emailName(input)} (${shortUrl(tag.url)})`;
    const fix = 'relance tracks clicks itself; link straight to the page';
    let message: string | undefined;
    if (provider) message = `${where} goes through ${provider}'s click tracking: it was copied from an email sent with ${provider}, counts the click in that account, may stop working, and spam filters see a domain that is not yours; ${fix}`;
    else if (SHORTENERS.has(host)) message = `${where} uses the URL shortener ${host}: spammers use shorteners too, so spam filters distrust them, and the reader cannot see where it leads; ${fix}`;
    else if (looksLikeTracker(url)) message = `${where} looks like someone else's redirect tracker (${host}): it was probably copied from an email sent with another tool, may stop working, and hides the destination from the reader and from spam filters; ${fix}`;
    if (message) report.inTemplate(input.html.file, at.line, at.column, 'email-third-party-tracking', message);
  }
};
