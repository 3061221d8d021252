/**
 * Click-tracking and redirect hosts of email service providers, by domain suffix. A link to one
 * of them in a relance template was copied from an email sent by that provider: it counts the
 * click in someone else's account, often expires, and spam filters see a mismatched domain.
 */
export const TRACKER_HOSTS: Readonly<Record<string, string>> = {
  'list-manage.com': 'Mailchimp', 'mailchi.mp': 'Mailchimp',
  'sendgrid.net': 'SendGrid', 'hubspotlinks.com': 'HubSpot', 'hubspotemail.net': 'HubSpot',
  'mandrillapp.com': 'Mandrill', 'mailgun.org': 'Mailgun', 'sparkpostmail.com': 'SparkPost', 'mjt.lu': 'Mailjet',
  'sendibt2.com': 'Brevo', 'sendibt3.com': 'Brevo', 'sendibm1.com': 'Brevo', 'sendibm2.com': 'Brevo', 'sendinblue.com': 'Brevo',
  'klclick.com': 'Klaviyo', 'klclick1.com': 'Klaviyo', 'klclick2.com': 'Klaviyo', 'klclick3.com': 'Klaviyo',
  'rs6.net': 'Constant Contact', 'createsend1.com': 'Campaign Monitor', 'cmail19.com': 'Campaign Monitor', 'cmail20.com': 'Campaign Monitor',
  'exacttarget.com': 'Salesforce Marketing Cloud', 'go.pardot.com': 'Pardot', 'pi.pardot.com': 'Pardot', 't.eloqua.com': 'Eloqua',
  'acemlna.com': 'ActiveCampaign', 'acemlnb.com': 'ActiveCampaign', 'acemlnc.com': 'ActiveCampaign', 'acemlnd.com': 'ActiveCampaign',
  'convertkit-mail.com': 'Kit (ConvertKit)', 'convertkit-mail2.com': 'Kit (ConvertKit)', 'awstrack.me': 'Amazon SES',
  'mlsend.com': 'MailerLite', 'pstmrk.it': 'Postmark', 'customeriomail.com': 'Customer.io', 'zcsend.net': 'Zoho Campaigns',
  'mktoweb.com': 'Marketo', 'salesloftlinks.com': 'Salesloft', 'mailtrack.io': 'Mailtrack', 'yesware.com': 'Yesware',
};

/** Shorteners: their domains are shared with spammers, so filters distrust them. */
export const SHORTENERS = new Set(['bit.ly', 'tinyurl.com', 'ow.ly', 'goo.gl', 't.co', 'buff.ly', 'rebrand.ly', 'is.gd', 'cutt.ly', 'shorturl.at', 't.ly', 'rb.gy', 'tiny.cc', 'lnkd.in']);

/** The provider whose tracker `host` is, by domain suffix. */
export function trackerOf(host: string): string | undefined {
  for (let h = host; h.includes('.'); h = h.slice(h.indexOf('.') + 1)) {
    if (Object.hasOwn(TRACKER_HOSTS, h)) return TRACKER_HOSTS[h];
  }
  return undefined;
}

const TRACKER_LABEL = /^(?:click|clicks|clk|track|tracking|trk|links?|lnk|email|em|e|t|r|l|go|url\d*|email\d*)$/i;
const TRACKER_PATH = /\/(?:ls\/click|wf\/click|ss\/c|track|click|redirect|c|r|l)\b/i;

/**
 * A host that is not a known provider's but reads like a redirect tracker: a first label such as
 * `click.` or `url123.`, and a path such as `/ls/click`, a full address passed as a parameter, or
 * a long opaque token.
 */
export function looksLikeTracker(url: URL): boolean {
  if (!TRACKER_LABEL.test(url.hostname.split('.')[0] ?? '') || url.hostname.split('.').length < 3) return false;
  if (TRACKER_PATH.test(url.pathname)) return true;
  for (const value of url.searchParams.values()) if (/^https?:\/\//i.test(value)) return true;
  return /[A-Za-z0-9_-]{32,}/.test(url.pathname + url.search);
}
