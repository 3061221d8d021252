import type { HeaderLines } from 'mailparser';
import { headerBlock } from './header-values.js';

// A field name: printable ASCII but the colon (RFC 5322 §2.2).
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
// Where binary content is looked for: a header block is never longer in practice.
const HEAD_SCAN = 64 * 1024;

/** What makes raw bytes not an email before anything parses them, or undefined. */
export function rawProblem(raw: Buffer): string | undefined {
  if (raw.length === 0) return 'empty input';
  let start = 0;
  while (start < raw.length && (raw[start] === 0x20 || raw[start] === 0x09 || raw[start] === 0x0a || raw[start] === 0x0d)) start++;
  if (start === raw.length) return 'only whitespace';
  const head = headerBlock(raw.subarray(start, start + HEAD_SCAN));
  let controls = 0;
  for (const byte of head) {
    if (byte === 0) return 'binary data (a NUL byte in the header block)';
    if ((byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) || byte === 0x7f) controls++;
  }
  // A stray escape in a subject happens; a header block full of control bytes is not text.
  if (controls > 8 && controls * 100 > head.length) return 'binary data (control bytes in the header block)';
  return undefined;
}

/** What makes a parsed message not an email (its first line is not a header field), or undefined. */
export function headerProblem(lines: HeaderLines): string | undefined {
  const first = lines[0];
  if (!first || !FIELD_NAME.test(first.key) || !first.line.includes(':')) return 'no header block (the input does not start with "Name: value" header fields)';
  return undefined;
}
