import { describe, expect, it } from 'vitest';
import { botClickSeconds, classify, type ClassifyInput } from '../../../src/events/bots.js';

const NOW = Date.parse('2025-03-10T09:00:00Z');
const open = (userAgent: string | undefined, ip = '203.0.113.7'): ReturnType<typeof classify> => classify({ userAgent, ip, kind: 'open', nowMs: NOW });
const click = (userAgent: string | undefined, more: Partial<ClassifyInput> = {}): ReturnType<typeof classify> =>
  classify({ userAgent, ip: '203.0.113.7', kind: 'click', nowMs: NOW, linkId: 'Zk3q9xYb2LmN0pQr', ...more });

// Real user agents, as logged by tracking servers.
const PEOPLE = {
  chromeWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  safariIphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  firefoxLinux: 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0',
  appleMailNoProxy: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)',
  outlookDesktop: 'Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)',
  outlookMsOffice: 'Mozilla/4.0 (compatible; ms-office; MSOffice 16)',
  gmailProxy: 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)',
  yahooProxy: 'YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html',
  cubotPhone: 'Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.230 Mobile Safari/537.36',
};

const SCANNERS: Array<[string, string]> = [
  ['Mozilla/5.0 (compatible; Barracuda Sentinel (EE))', 'barracuda'],
  ['Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/41.0.2228.0 Safari/537.36 Mimecast', 'mimecast'],
  ['Mozilla/5.0 (compatible; proofpoint-urldefense/1.0)', 'proofpoint'],
  ['Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) BingPreview/1.0b', 'microsoft-bingpreview'],
  ['Microsoft Office Existence Discovery', 'microsoft-safelinks'],
  ['Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; Trident/6.0; Symantec Email Security.cloud)', 'symantec'],
  ['Cisco IronPort Web Security/1.0', 'cisco-ironport'],
  ['Mozilla/5.0 (FireEye Email Security)', 'fireeye'],
  ['Mozilla/5.0 (compatible; TrendMicro Email Security)', 'trendmicro'],
  ['Sophos Email Security URL Scanner', 'sophos'],
  ['Mozilla/5.0 (compatible; Forcepoint Email Security)', 'forcepoint'],
  ['python-requests/2.31.0', 'http-library'],
  ['curl/8.5.0', 'http-library'],
  ['Go-http-client/1.1', 'http-library'],
  ['Wget/1.21.4', 'http-library'],
  ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/122.0.6261.94 Safari/537.36', 'headless-browser'],
  ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 'crawler'],
  ['Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', 'crawler'],
  ['facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)', 'crawler'],
];

describe('classify: opens', () => {
  it('counts real mail clients and browsers as people', () => {
    for (const ua of Object.values(PEOPLE)) expect(open(ua), ua).toEqual({ bot: false });
  });

  it("counts Gmail's image proxy as a real open, even from a Google address", () => {
    expect(open(PEOPLE.gmailProxy, '66.249.84.12')).toEqual({ bot: false });
  });

  it('flags security gateways, link scanners, HTTP libraries, headless browsers and crawlers', () => {
    for (const [ua, reason] of SCANNERS) expect(open(ua), ua).toEqual({ bot: true, reason });
  });

  it('flags a missing or blank user agent', () => {
    expect(open(undefined)).toEqual({ bot: true, reason: 'no-user-agent' });
    expect(open('   ')).toEqual({ bot: true, reason: 'no-user-agent' });
  });

  it("flags Apple Mail Privacy Protection: its bare user agent, or Apple's 17.0.0.0/8", () => {
    expect(open('Mozilla/5.0')).toEqual({ bot: true, reason: 'apple-privacy-proxy' });
    expect(open(PEOPLE.appleMailNoProxy, '17.58.96.4')).toEqual({ bot: true, reason: 'apple-privacy-proxy' });
    expect(open(PEOPLE.appleMailNoProxy, '::ffff:17.253.1.2')).toEqual({ bot: true, reason: 'apple-privacy-proxy' });
    expect(open(PEOPLE.appleMailNoProxy, '170.58.96.4')).toEqual({ bot: false });
    expect(open(PEOPLE.appleMailNoProxy, '117.1.2.3')).toEqual({ bot: false });
  });
});

describe('classify: clicks', () => {
  it('counts a person clicking long after delivery', () => {
    expect(click(PEOPLE.chromeWindows, { deliveredAtMs: NOW - 3_600_000 })).toEqual({ bot: false });
    expect(click(PEOPLE.safariIphone)).toEqual({ bot: false }); // delivery time unknown
  });

  it('flags a click within 5 s of delivery, or before it', () => {
    expect(click(PEOPLE.chromeWindows, { deliveredAtMs: NOW - 2000 })).toEqual({ bot: true, reason: 'too-fast' });
    expect(click(PEOPLE.chromeWindows, { deliveredAtMs: NOW + 1000 })).toEqual({ bot: true, reason: 'too-fast' });
    expect(click(PEOPLE.chromeWindows, { deliveredAtMs: NOW - 5000 })).toEqual({ bot: false });
    expect(click(PEOPLE.chromeWindows, { deliveredAtMs: NOW - 20_000, clickSeconds: 30 })).toEqual({ bot: true, reason: 'too-fast' });
  });

  it('flags the honeypot link whoever follows it', () => {
    expect(click(PEOPLE.chromeWindows, { linkId: 'hp', deliveredAtMs: NOW - 86_400_000 })).toEqual({ bot: true, reason: 'honeypot' });
  });

  it('flags scanners, but not an Apple address (clicks do not go through the image proxy)', () => {
    for (const [ua, reason] of SCANNERS) expect(click(ua), ua).toEqual({ bot: true, reason });
    expect(classify({ userAgent: PEOPLE.safariIphone, ip: '17.1.2.3', kind: 'click', nowMs: NOW })).toEqual({ bot: false });
  });
});

describe('botClickSeconds', () => {
  it('reads RELANCE_BOT_CLICK_SECONDS, 5 when unset or invalid', () => {
    expect(botClickSeconds({})).toBe(5);
    expect(botClickSeconds({ RELANCE_BOT_CLICK_SECONDS: '12' })).toBe(12);
    expect(botClickSeconds({ RELANCE_BOT_CLICK_SECONDS: '0' })).toBe(0);
    expect(botClickSeconds({ RELANCE_BOT_CLICK_SECONDS: 'soon' })).toBe(5);
    expect(botClickSeconds({ RELANCE_BOT_CLICK_SECONDS: '-1' })).toBe(5);
  });
});
