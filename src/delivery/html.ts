/**
 * Small, fast HTML utilities for rendered emails: entity decoding, a text version of an HTML
 * body, link rewriting and snippet insertion. Emails are our own templates rendered by
 * Handlebars, not arbitrary web pages, so regular expressions over tags are enough — and they
 * run in microseconds, which matters at thousands of emails per second.
 */

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', copy: '©', reg: '®', trade: '™',
  hellip: '…', mdash: '—', ndash: '–', laquo: '«', raquo: '»', lsquo: '‘', rsquo: '’', ldquo: '“',
  rdquo: '”', euro: '€', middot: '·', bull: '•', eacute: 'é', egrave: 'è', agrave: 'à', ccedil: 'ç',
};

const ENTITY = /&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z][a-zA-Z0-9]{1,31});/g;

export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(ENTITY, (whole, name: string) => {
    if (name.charCodeAt(0) === 35 /* # */) {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return Object.hasOwn(NAMED, name) ? NAMED[name]! : whole;
  });
}

/** Escapes text for a double-quoted HTML attribute. */
export function escapeAttribute(value: string): string {
  return value.replace(/[&"<>]/g, (c) => (c === '&' ? '&amp;' : c === '"' ? '&quot;' : c === '<' ? '&lt;' : '&gt;'));
}

const HREF = /(\shref\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;

/** Value of an attribute inside a tag's attribute text, decoded; undefined when absent. */
function hrefOf(attributes: string): string | undefined {
  const m = HREF.exec(attributes);
  if (!m) return undefined;
  return decodeEntities(m[2] ?? m[3] ?? m[4] ?? '').trim();
}

const SKIPPED_ELEMENTS = /<(head|style|script|title|noscript)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const COMMENTS = /<!--[\s\S]*?-->/g;
const LINK = /<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi;
const TAG = /<[^>]*>/g;
const BLOCK_END = /<\/(?:p|div|h[1-6]|ul|ol|table|blockquote|section|article|header|footer|center|pre)\s*>|<(?:p|h[1-6]|blockquote|table|ul|ol)\b[^>]*>/gi;
const LINE_END = /<br\b[^>]*>|<\/(?:tr|dt|dd)\s*>/gi;

/**
 * The plain-text part derived from an HTML body: paragraphs become blank-line separated, list
 * items `- item`, links `label (url)` (just the url when the label is the url).
 */
export function htmlToText(html: string): string {
  let s = html.replace(COMMENTS, '').replace(SKIPPED_ELEMENTS, '').replace(/\s+/g, ' ');
  s = s.replace(LINK, (_whole, attributes: string, inner: string) => {
    const label = decodeEntities(inner.replace(TAG, '')).trim();
    const href = hrefOf(attributes);
    if (!href || href.startsWith('#')) return label;
    const target = href.replace(/^mailto:/i, '');
    if (!label || label === href || label === target) return target;
    return `${label} (${target})`;
  });
  s = s
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<hr\b[^>]*>/gi, '\n\n----\n\n')
    .replace(/<\/(?:td|th)\s*>/gi, ' ')
    .replace(BLOCK_END, '\n\n')
    .replace(LINE_END, '\n')
    .replace(TAG, '');
  s = decodeEntities(s).replace(/\u00a0/g, ' ');
  const lines = s.split('\n').map((line) => line.replace(/[ \t]+/g, ' ').trim());
  return lines.join('\n').replace(/\n{3,}/g, '\n\n').trim();
}

const ANCHOR = /<(?:a|area)\b[^>]*>/gi;

/**
 * Rewrites the `href` of each `<a>`/`<area>`: `rewrite` gets the decoded URL and returns the
 * new one, or null to leave the link as it is. Links marked `data-notrack` are never touched.
 */
export function rewriteLinks(html: string, rewrite: (url: string) => string | null): string {
  return html.replace(ANCHOR, (tag) => {
    if (/\sdata-notrack\b/i.test(tag)) return tag;
    const m = HREF.exec(tag);
    if (!m) return tag;
    const url = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '').trim();
    const next = rewrite(url);
    if (next === null) return tag;
    return tag.slice(0, m.index) + `${m[1]}"${escapeAttribute(next)}"` + tag.slice(m.index + m[0].length);
  });
}

const BODY_END = /<\/body\s*>/i;
const BODY_START = /<body\b[^>]*>/i;

/** Inserts before `</body>`, or appends when the HTML has no body element. */
export function insertBeforeBodyEnd(html: string, snippet: string): string {
  const m = BODY_END.exec(html);
  return m ? html.slice(0, m.index) + snippet + html.slice(m.index) : html + snippet;
}

/** Inserts right after `<body …>`, or prepends. */
export function insertAfterBodyStart(html: string, snippet: string): string {
  const m = BODY_START.exec(html);
  return m ? html.slice(0, m.index + m[0].length) + snippet + html.slice(m.index + m[0].length) : snippet + html;
}

/** Whether the rendered template is a whole document (has `<html>`), or a fragment to wrap. */
export function isDocument(html: string): boolean {
  return /<html[\s>]/i.test(html);
}
