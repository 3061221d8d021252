import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import type { RenderedEmail } from '../../../src/delivery/render.js';
import { buildMessage } from '../../../src/transports/mime.js';
import { encodeQuotedPrintable } from '../../../src/transports/quoted-printable.js';

/** A small deterministic generator, so that a failure reproduces. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

// Pieces that stress the encoder: escapes at every offset of a long line, trailing blanks,
// multibyte letters and emoji (4 bytes), every kind of line break, literal "=" and dots.
const PIECES = ['a', 'Z', '0', ' ', '\t', '=', '.', '<a href="https://x.example/?a=1&b=2">', 'é', 'ü', 'œ', '€', '日本', '😀', '\n', '\r\n', '\r', '  \n', '\t\r\n', '=3D', 'x'.repeat(80)];

function text(next: () => number): string {
  let out = '';
  const n = Math.floor(next() * 120);
  for (let i = 0; i < n; i++) out += PIECES[Math.floor(next() * PIECES.length)];
  return out;
}

describe('encodeQuotedPrintable', () => {
  it('writes lines of at most 76 safe characters, no blank at a line end, and keeps ASCII lines as they are', () => {
    const next = random(7);
    for (let i = 0; i < 500; i++) {
      const encoded = encodeQuotedPrintable(text(next));
      for (const line of encoded.split('\r\n')) {
        expect(line.length).toBeLessThanOrEqual(76);
        expect(line).toMatch(/^[\x21-\x7e \t]*$/);
        expect(line).not.toMatch(/[ \t]$/);
        // Every "=" starts an escape or is the soft break at the very end.
        expect(line.replace(/=[0-9A-F]{2}/g, '').replace(/=$/, '')).not.toContain('=');
      }
    }
    expect(encodeQuotedPrintable('Hello, world.\nSecond line')).toBe('Hello, world.\r\nSecond line');
    expect(encodeQuotedPrintable('a=b é ')).toBe('a=3Db =C3=A9=20');
  });

  it('reads back exactly, through a real MIME parser, in a message as relance sends it', async () => {
    const next = random(42);
    for (let i = 0; i < 60; i++) {
      const body = `${text(next)}end`;
      const mail: RenderedEmail = {
        from: { address: 'hello@acme.example' }, to: { address: 'jeanne@example.com' }, subject: 'S',
        html: `<p>${body}</p>`, text: body, headers: {}, messageId: `<m${i}@acme.example>`, language: 'fr',
      } as RenderedEmail;
      const parsed = await simpleParser(buildMessage(mail).raw);
      // The parser gives lines back with LF; the message carries CRLF only.
      const lf = (s: string) => s.replace(/\r\n|\r/g, '\n');
      expect(lf(parsed.text ?? '')).toBe(lf(body));
      expect(lf(typeof parsed.html === 'string' ? parsed.html : '')).toBe(lf(`<p>${body}</p>`));
    }
  });
});
