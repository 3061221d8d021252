import { describe, expect, it } from 'vitest';
import type { RenderedEmail } from '../../../src/delivery/render.js';
import { buildMessage } from '../../../src/transports/mime.js';
import { findPart, header, parseMime } from './mime.js';

function email(overrides: Partial<RenderedEmail> = {}): RenderedEmail {
  return {
    from: { name: 'Équipe Acme', address: 'hello@acme.example' },
    to: { name: 'Jeanne Dupont', address: 'jeanne@example.com' },
    replyTo: 'replies@acme.example',
    subject: 'Votre audit gratuit — 45 minutes',
    html: '<p>Bonjour Jeanne,</p>\n<p>Voici le guide : <a href="https://acme.example/g?a=1&b=2">lien</a></p>\n',
    text: 'Bonjour Jeanne,\n\nVoici le guide : https://acme.example/g?a=1&b=2\n',
    headers: { 'List-Unsubscribe': '<https://go.acme.example/u/abc>, <mailto:unsubscribe@acme.example?subject=abc>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    messageId: '<s1.step.c1@mail.acme.example>',
    inReplyTo: '<first@mail.acme.example>',
    references: ['<first@mail.acme.example>', '<second@mail.acme.example>'],
    language: 'fr',
    ...overrides,
  };
}

const DATE = new Date('2026-11-22T10:00:00Z');

/** A part's content: the line break before a boundary belongs to the boundary (RFC 2046 §5.1.1). */
function content(raw: string, type: string): string {
  return findPart(parseMime(raw), type)!.body.replace(/\n$/, '');
}

describe('buildMessage', () => {
  it('writes every header and both parts so that they read back unchanged', () => {
    const mail = email();
    const { raw, envelope } = buildMessage(mail, DATE);
    expect(envelope).toEqual({ from: 'hello@acme.example', to: ['jeanne@example.com'] });
    const mime = parseMime(raw);
    expect(header(mime, 'From')).toBe('Équipe Acme <hello@acme.example>');
    expect(header(mime, 'To')).toBe('Jeanne Dupont <jeanne@example.com>');
    expect(header(mime, 'Reply-To')).toBe('replies@acme.example');
    expect(header(mime, 'Subject')).toBe(mail.subject);
    expect(header(mime, 'Message-ID')).toBe(mail.messageId);
    expect(header(mime, 'In-Reply-To')).toBe('<first@mail.acme.example>');
    expect(header(mime, 'References')).toBe('<first@mail.acme.example> <second@mail.acme.example>');
    expect(header(mime, 'Date')).toBe('Sun, 22 Nov 2026 10:00:00 +0000');
    expect(header(mime, 'MIME-Version')).toBe('1.0');
    expect(header(mime, 'List-Unsubscribe')!.replace(/\s+/g, ' ')).toBe(mail.headers['List-Unsubscribe']);
    expect(header(mime, 'List-Unsubscribe-Post')).toBe('List-Unsubscribe=One-Click');
    expect(content(raw, 'text/plain')).toBe(mail.text);
    expect(content(raw, 'text/html')).toBe(mail.html);
  });

  it('keeps the wire format strict: CRLF only, short lines, a boundary that no body contains', () => {
    const long = `${'Un paragraphe sans fin, avec des accents é à ü et des signes = ; '.repeat(40)}\n`;
    const tricky = `.leading dot\n..two dots\nbare CR\rhere\r\ntrailing spaces   \n${long}=3D literal\n`;
    const { raw } = buildMessage(email({ text: tricky, html: `<p>${tricky}</p>`, subject: 'S'.repeat(300) }), DATE);
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    // Bodies wrap at 76; a header word with no space to fold at may be longer, never over 998.
    const [head, ...body] = raw.split('\r\n\r\n');
    for (const line of body.join('\r\n').split('\r\n')) expect(line.length).toBeLessThanOrEqual(76);
    for (const line of head!.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    const boundary = /boundary="([^"]+)"/.exec(raw)![1]!;
    expect(raw.split(`--${boundary}`)).toHaveLength(4);
    const mime = parseMime(raw);
    expect(header(mime, 'Subject')).toBe('S'.repeat(300));
    expect(content(raw, 'text/plain')).toBe(tricky.replace(/\r\n|\r/g, '\n'));
    expect(content(raw, 'text/html')).toBe(`<p>${tricky.replace(/\r\n|\r/g, '\n')}</p>`);
  });

  it('lets no contact data add a header', () => {
    const injected = 'Hello\r\nBcc: victim@evil.example\r\n\r\n<p>spoofed</p>';
    const { raw } = buildMessage(email({
      subject: injected,
      to: { name: `Jane\nBcc: victim@evil.example`, address: 'jane@example.com' },
      headers: { 'List-Unsubscribe': '<https://go.acme.example/u/abc>\r\nX-Evil: 1' },
      replyTo: 'replies@acme.example\r\nX-Evil: 2',
    }), DATE);
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    const names = head.split('\r\n').filter((l) => !/^[ \t]/.test(l)).map((l) => l.slice(0, l.indexOf(':')).toLowerCase());
    expect(names).not.toContain('bcc');
    expect(names).not.toContain('x-evil');
    expect(new Set(names).size).toBe(names.length);
    expect(header(parseMime(raw), 'Subject')).toBe('Hello Bcc: victim@evil.example  <p>spoofed</p>');
  });

  it('quotes or encodes display names, and writes international domains in punycode', () => {
    const { raw, envelope } = buildMessage(email({
      from: { name: 'Acme, Inc. "Sales"', address: 'hello@acme.example' },
      to: { name: 'Jürgen', address: 'jurgen@bücher.example' },
    }), DATE);
    expect(envelope.to).toEqual(['jurgen@xn--bcher-kva.example']);
    const mime = parseMime(raw);
    expect(header(mime, 'From')).toBe('"Acme, Inc. \\"Sales\\"" <hello@acme.example>');
    expect(header(mime, 'To')).toBe('Jürgen <jurgen@xn--bcher-kva.example>');
    expect(raw).not.toMatch(/[^\x00-\x7f]/);
  });
});
