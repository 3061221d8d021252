// Quoted-printable (RFC 2045 §6.7) of UTF-8 text, as mail bodies need it. relance encodes every
// email's text and HTML; nodemailer's encoder goes byte by byte and then rewraps with regular
// expressions, a tenth of a worker's time. This one keeps runs of safe characters as they are.

/** Characters that stand for themselves: tab, space and printable ASCII except `=`. */
const SAFE_LINE = /^[\t\x20-\x3c\x3e-\x7e]*$/;
const UNSAFE_RUN = /[^\t\x20-\x3c\x3e-\x7e]+/g;
const HEX = Array.from({ length: 256 }, (_, b) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`);

// Text repeats its accented letters and dashes: short runs are encoded once (a bounded cache).
const escapes = new Map<string, string>();

function escape(run: string): string {
  let encoded = escapes.get(run);
  if (encoded === undefined) {
    encoded = '';
    const bytes = Buffer.from(run, 'utf8');
    for (let i = 0; i < bytes.length; i++) encoded += HEX[bytes[i]!];
    if (run.length <= 8 && escapes.size < 4096) escapes.set(run, encoded);
  }
  return encoded;
}

/**
 * The quoted-printable body of `text`: its line breaks (CRLF, LF or CR) become CRLF, lines longer
 * than `lineLength` get soft breaks (`=` at the end) that never split an `=XX` escape, and
 * whitespace at the end of a line is escaped so that no relay can strip it.
 */
export function encodeQuotedPrintable(text: string, lineLength = 76): string {
  const out: string[] = [];
  for (const line of text.split(/\r\n|\n|\r/)) {
    let encoded = SAFE_LINE.test(line) ? line : line.replace(UNSAFE_RUN, escape);
    const last = encoded.charCodeAt(encoded.length - 1);
    if (last === 0x20 || last === 0x09) encoded = encoded.slice(0, -1) + HEX[last];
    let start = 0;
    while (encoded.length - start > lineLength) {
      // lineLength - 1 characters and the soft break; an `=` is always an escape's first character.
      let end = start + lineLength - 1;
      if (encoded[end - 1] === '=') end -= 1;
      else if (encoded[end - 2] === '=') end -= 2;
      out.push(`${encoded.slice(start, end)}=`);
      start = end;
    }
    out.push(start === 0 ? encoded : encoded.slice(start));
  }
  return out.join('\r\n');
}
