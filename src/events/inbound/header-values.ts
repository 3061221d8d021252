import type { HeaderLines } from 'mailparser';

/**
 * The raw values of one header field, in the order they appear, unfolded and trimmed. mailparser
 * parses some fields its own way (a Date that does not parse becomes "now", an In-Reply-To with a
 * comment becomes one odd id, a repeated To becomes an array), so fields are read from its raw
 * lines, where each byte is one character: raw UTF-8 (RFC 6532) is decoded here.
 */
export function headerValues(lines: HeaderLines, name: string): string[] {
  const key = name.toLowerCase();
  const values: string[] = [];
  for (const { key: k, line } of lines) {
    if (k !== key) continue;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    // Unfolding removes the line break before the whitespace that starts a continuation line.
    const value = line.slice(colon + 1).replace(/\r?\n(?=[ \t])/g, '').trim();
    values.push(/^[\x00-\x7f]*$/.test(value) || /[^\x00-\xff]/.test(value) ? value : Buffer.from(value, 'latin1').toString('utf8'));
  }
  return values;
}

/** The first value of a header field, or undefined when the message has none. */
export function headerValue(lines: HeaderLines, name: string): string | undefined {
  return headerValues(lines, name)[0];
}

/** The header block of a raw message: everything up to and including the first empty line. */
export function headerBlock(raw: Buffer): Buffer {
  const crlf = raw.indexOf('\r\n\r\n');
  const lf = raw.indexOf('\n\n');
  const ends = [crlf < 0 ? -1 : crlf + 4, lf < 0 ? -1 : lf + 2].filter((n) => n >= 0);
  return ends.length ? raw.subarray(0, Math.min(...ends)) : raw;
}
