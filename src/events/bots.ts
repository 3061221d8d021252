/**
 * Tells a person's open or click from a machine's: mail security gateways and link scanners
 * fetch every link and image of an email before (or instead of) its reader, and Apple Mail
 * Privacy Protection loads every image through Apple's proxy. Their events are logged with
 * `bot: true`, never counted as engagement. Pure: the caller gives the request and the times.
 */

export interface ClassifyInput {
  userAgent: string | undefined;
  ip: string | undefined;
  kind: 'open' | 'click';
  /** When the email was delivered (the ledger's `sent` time), if known. */
  deliveredAtMs?: number;
  nowMs: number;
  /** Click tokens: the link id (`hp` is the honeypot). */
  linkId?: string;
  /** A click this soon after delivery is a scanner's (default 5 s, RELANCE_BOT_CLICK_SECONDS). */
  clickSeconds?: number;
}

export interface Classification {
  bot: boolean;
  reason?: string;
}

/** The hidden link of every tracked email (the same id as `HONEYPOT_LINK` in delivery/render.ts). */
const HONEYPOT = 'hp';
export const DEFAULT_BOT_CLICK_SECONDS = 5;

/** RELANCE_BOT_CLICK_SECONDS, or 5 when unset or not a non-negative number. */
export function botClickSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.RELANCE_BOT_CLICK_SECONDS;
  const n = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  return Number.isFinite(n) && n >= 0 ? n : DEFAULT_BOT_CLICK_SECONDS;
}

// Names as they appear in user agents, first match wins. Real clients that look close are left
// alone on purpose: Outlook's desktop client ("Microsoft Office/16.0 (…; Microsoft Outlook …; Pro)",
// "ms-office; MSOffice 16") and Gmail's image proxy ("GoogleImageProxy") are people reading.
const SCANNERS: ReadonlyArray<[RegExp, string]> = [
  [/barracuda/i, 'barracuda'],
  [/mimecast/i, 'mimecast'],
  [/proofpoint|\bppops\b/i, 'proofpoint'],
  [/bingpreview/i, 'microsoft-bingpreview'],
  [/safelinks|defender|Microsoft Office (?:Existence|Protocol) Discovery|\bMSOffice-Preview\b/i, 'microsoft-safelinks'],
  [/symantec|broadcom|messagelabs/i, 'symantec'],
  [/ironport|cisco[ -](?:esa|secure)/i, 'cisco-ironport'],
  [/fireeye|trellix/i, 'fireeye'],
  [/trend ?micro|\btmufe\b/i, 'trendmicro'],
  [/sophos/i, 'sophos'],
  [/forcepoint|websense/i, 'forcepoint'],
  [/cloudmark|hornetsecurity|vadesecure|spamtitan|checkpoint|check point|avanan/i, 'mail-security'],
  [/python-requests|python-urllib|aiohttp|httpx|\bcurl\/|\bwget\b|go-http-client|\bjava\/|okhttp|axios|node-fetch|undici|libwww-perl|\bruby\b|scrapy/i, 'http-library'],
  [/headlesschrome|phantomjs|puppeteer|playwright|selenium|electron\/[\d.]+ .*headless/i, 'headless-browser'],
  [/(?:google|bing|yandex|baidu|duckduck|slack|twitter|linkedin|discord|telegram|apple|petal|ahrefs|semrush|mj12|dot)bot|facebookexternalhit|whatsapp|skypeuripreview|slurp|\bcrawler\b|\bspider\b/i, 'crawler'],
];

/** Apple's 17.0.0.0/8, where Mail Privacy Protection's proxy fetches images from (IPv4 or IPv4-mapped IPv6). */
function isAppleAddress(ip: string | undefined): boolean {
  if (!ip) return false;
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return /^17\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

// The same few user agents come back thousands of times a second: their verdict is kept.
const verdicts = new Map<string, string | null>();

/** The scanner a user agent names, or null. */
function scannerOf(ua: string): string | null {
  let verdict = verdicts.get(ua);
  if (verdict === undefined) {
    verdict = SCANNERS.find(([pattern]) => pattern.test(ua))?.[1] ?? null;
    if (verdicts.size >= 1000) verdicts.clear();
    verdicts.set(ua, verdict);
  }
  return verdict;
}

/** Whether an open or a click came from a machine, and which kind of machine. */
export function classify(input: ClassifyInput): Classification {
  if (input.kind === 'click' && input.linkId === HONEYPOT) return { bot: true, reason: 'honeypot' };
  const ua = (input.userAgent ?? '').trim();
  if (ua === '') return { bot: true, reason: 'no-user-agent' };
  // Gmail fetches images once per reader, when the reader opens the email: a real open.
  if (input.kind === 'open' && /GoogleImageProxy/i.test(ua)) return { bot: false };
  const scanner = scannerOf(ua);
  if (scanner) return { bot: true, reason: scanner };
  if (input.kind === 'open' && (ua === 'Mozilla/5.0' || isAppleAddress(input.ip))) return { bot: true, reason: 'apple-privacy-proxy' };
  if (input.kind === 'click' && input.deliveredAtMs !== undefined) {
    const window = (input.clickSeconds ?? DEFAULT_BOT_CLICK_SECONDS) * 1000;
    // Negative (clocks apart) counts as too fast: nobody reads an email before it arrives.
    if (input.nowMs - input.deliveredAtMs < window) return { bot: true, reason: 'too-fast' };
  }
  return { bot: false };
}
