import EmailReplyParser from 'email-reply-parser';

/** The most text a reply keeps (InboundMessage.text). */
export const MAX_REPLY_TEXT = 10_000;

// Where quote headers are looked for: a reply whose new text is longer is cut anyway.
const SCAN_LIMIT = 200_000;
// email-reply-parser's regexes backtrack badly on crafted text (seconds on a few thousand
// characters of "abc. x skrev" lines): it sees no more than the text kept, and no line longer
// than this (a long line stands in as a placeholder, put back afterwards).
const LONG_LINE = 1_000;

// "-----Original Message-----" and its translations; forwarded blocks the same way.
const SEPARATOR_HEADERS: ReadonlyArray<RegExp> = [
  /^-{2,}\s*(original message|message d['’]origine|mail original|message original|forwarded message|message transf[ée]r[ée]|urspr[üu]ngliche nachricht|mensaje original|messaggio originale)\s*-{2,}$/i,
  /^(begin forwarded message|d[ée]but du message (r[ée]exp[ée]di[ée]|transf[ée]r[ée]))\s*:$/i,
];
// Outlook's block: "From: …" then, within a few lines, "Sent: …" (or Date, Envoyé…).
const FROM_LINE = /^\*?(from|de|von|da|van)\s?:\*?\s*\S/i;
const SENT_LINE = /^\*?(sent|date|envoy[ée]|gesendet|datum|inviato|enviado|verzonden|data)\s?:/i;
// "On Mon, 2 Mar 2026 at 09:14, Claire <…> wrote:" / "Le lun. 2 mars 2026 à 09:14, Claire <…> a écrit :",
// which clients wrap over two or three lines when it is long.
const ATTRIBUTIONS: ReadonlyArray<RegExp> = [/^on\s.*\bwrote\s?:$/i, /^le\s.*\ba\s+[ée]crit\s?:$/i];
const RULE = /^(_{8,}|-{8,})$/;

/** A line without its `>` quote marks, non-breaking spaces as spaces, trimmed. */
function unquote(line: string): string {
  return line.replace(/^(\s*>)+/, '').replace(/[\u00a0\u202f]/g, ' ').trim();
}

type Header = { lines: number; attribution: boolean };

/** The quote header that starts at line i, if any: how many lines it spans, and whether it is an attribution line. */
function headerAt(lines: string[], i: number): Header | undefined {
  const first = unquote(lines[i] ?? '');
  if (first === '' || first.length > 400) return undefined;
  if (SEPARATOR_HEADERS.some((re) => re.test(first))) return { lines: 1, attribution: false };
  if (/^(on|le)\s/i.test(first)) {
    let joined = first;
    for (let n = 1; n <= 3 && i + n <= lines.length; n++) {
      if (n > 1) joined += ` ${unquote(lines[i + n - 1] ?? '')}`;
      if (joined.length > 600) break;
      if (ATTRIBUTIONS.some((re) => re.test(joined))) return { lines: n, attribution: true };
    }
  }
  if (FROM_LINE.test(first)) {
    for (let n = 1; n <= 4 && i + n < lines.length; n++) {
      if (SENT_LINE.test(unquote(lines[i + n] ?? ''))) return { lines: n + 1, attribution: false };
    }
  }
  return undefined;
}

/**
 * The text above the first quote header. An attribution line with nothing above it opens an
 * answer written between the quoted lines: only that line goes, email-reply-parser takes the
 * quoted ones. An Outlook block with nothing above it is all history (Outlook does not mark it).
 */
function cutQuotedHistory(text: string): string {
  const lines = text.split('\n');
  const kept: string[] = [];
  let written = false;
  for (let i = 0; i < lines.length; i++) {
    const header = headerAt(lines, i);
    if (header?.attribution && !written) {
      i += header.lines - 1;
      continue;
    }
    if (header) {
      // Outlook's rule above its block is history too.
      while (kept.length && (unquote(kept[kept.length - 1] ?? '') === '' || RULE.test(unquote(kept[kept.length - 1] ?? '')))) kept.pop();
      return kept.join('\n');
    }
    const line = lines[i] ?? '';
    kept.push(line);
    if (!/^\s*>/.test(line) && !RULE.test(line.trim()) && line.trim() !== '') written = true;
  }
  return kept.join('\n');
}

/** email-reply-parser's visible text (quoted fragments and signature out), long lines kept out of its regexes. */
function visibleText(text: string): string {
  const long: string[] = [];
  const shortened = text
    .split('\n')
    .map((line) => {
      if (line.length <= LONG_LINE) return line;
      long.push(line);
      // The placeholder keeps the one thing the parser reads in such a line: whether it is quoted.
      return `${line.startsWith('>') ? '>' : ''}\u0000${long.length - 1}\u0000`;
    })
    .join('\n');
  const visible = new EmailReplyParser().read(shortened).getVisibleText();
  return long.length ? visible.replace(/>?\u0000(\d+)\u0000/g, (_, n: string) => long[Number(n)] ?? '') : visible;
}

/** At most max UTF-16 units, never half a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/**
 * The new text of a reply: the quoted history (Gmail's "On … wrote:", Apple's, Thunderbird's,
 * the French "Le … a écrit :", Outlook's "From: … Sent: …" and "-----Original Message-----"
 * blocks, `>` lines) and the signature removed, at most MAX_REPLY_TEXT characters.
 */
export function replyText(text: string): string {
  const normalised = text.slice(0, SCAN_LIMIT).replace(/\r\n?/g, '\n').replace(/[\u0000\ufeff]/g, '');
  const cut = cutQuotedHistory(normalised).trim();
  // HTML converted to text leaves runs of empty lines where paragraphs and <br> met.
  return clip(visibleText(clip(cut, MAX_REPLY_TEXT)).replace(/\n{3,}/g, '\n\n').trim(), MAX_REPLY_TEXT);
}
