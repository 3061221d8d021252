import { randomBytes } from 'node:crypto';
import { domainToASCII } from 'node:url';
import mimeFuncs from 'nodemailer/lib/mime-funcs/index.js';
import type { RenderedEmail } from '../delivery/render.js';
import { encodeQuotedPrintable } from './quoted-printable.js';

/** A message ready for the wire, and who it goes from and to (SMTP MAIL FROM / RCPT TO). */
export interface BuiltMessage {
  raw: string;
  envelope: { from: string; to: string[] };
}

// "=_" never occurs in quoted-printable text, so a boundary only has to differ from the other
// boundaries of its message: one random base per process and a counter (randomBytes per message
// cost a syscall each, a tenth of a millisecond on this machine's VMs).
const BOUNDARY_BASE = randomBytes(8).toString('hex');
let boundaries = 0;

/**
 * The RFC 5322 message of a rendered email: multipart/alternative with a text and an HTML part,
 * both UTF-8 and quoted-printable, CRLF line ends.
 *
 * relance builds it rather than nodemailer's MIME tree, which streams every part through several
 * transforms and took a quarter of a worker's time; the header encoders are still nodemailer's
 * own (RFC 2047 words, header folding), applied as nodemailer applies them; bodies go through
 * quoted-printable.ts, checked against a real MIME parser. Every
 * header value loses its line breaks first: contact data can never add a header.
 */
export function buildMessage(mail: RenderedEmail, date = new Date()): BuiltMessage {
  const from = normalizeAddress(mail.from.address);
  const to = normalizeAddress(mail.to.address);
  const boundary = `=_relance_${BOUNDARY_BASE}_${(++boundaries).toString(36)}`;
  const headers: Array<[string, string]> = [
    ['From', formatAddress(mail.from.name, from)],
    ['To', formatAddress(mail.to.name, to)],
  ];
  if (mail.replyTo) headers.push(['Reply-To', normalizeAddress(mail.replyTo)]);
  headers.push(['Subject', encodeWords(mail.subject)], ['Message-ID', angle(mail.messageId)]);
  if (mail.inReplyTo) headers.push(['In-Reply-To', angle(mail.inReplyTo)]);
  if (mail.references?.length) headers.push(['References', mail.references.map(angle).join(' ')]);
  headers.push(['Date', date.toUTCString().replace(/GMT/, '+0000')], ['MIME-Version', '1.0']);
  for (const [name, value] of Object.entries(mail.headers)) headers.push([name, encodeWords(value)]);
  headers.push(['Content-Type', `multipart/alternative; boundary="${boundary}"`]);

  // The boundary holds "=_", which quoted-printable never leaves in a body: it cannot occur there.
  const raw = [
    ...headers.map(([name, value]) => mimeFuncs.foldLines(`${name}: ${value}`, 76)),
    '',
    `--${boundary}`,
    ...part('text/plain', mail.text),
    `--${boundary}`,
    ...part('text/html', mail.html),
    `--${boundary}--`,
    '',
  ].join('\r\n');
  return { raw, envelope: { from: mail.returnPath ? normalizeAddress(mail.returnPath) : from, to: [to] } };
}

function part(type: string, content: string): string[] {
  const body = encodeQuotedPrintable(content);
  return [`Content-Type: ${type}; charset=utf-8`, 'Content-Transfer-Encoding: quoted-printable', '', body];
}

/** Line breaks would end the header: a value is one line, whatever the data held. */
function oneLine(value: string): string {
  return value.replace(/\r?\n|\r/g, ' ');
}

/**
 * nodemailer's header text encoding with `textEncoding: 'quoted-printable'`: a value with any
 * non-ASCII character is encoded whole (the 4th argument, missing from the type declarations).
 */
function encodeWords(value: string): string {
  const funcs = mimeFuncs as unknown as { encodeWords(value: string, encoding: 'Q', maxLength: number, encodeAll: boolean): string };
  return funcs.encodeWords(oneLine(value), 'Q', 52, true);
}

function angle(id: string): string {
  const value = oneLine(id).trim();
  return `${value.startsWith('<') ? '' : '<'}${value}${value.endsWith('>') ? '' : '>'}`;
}

/** As nodemailer: no control characters or brackets, and the domain in punycode. */
function normalizeAddress(address: string): string {
  const value = address.replace(/[\x00-\x1F<>]+/g, ' ').trim();
  const at = value.lastIndexOf('@');
  if (at < 0) return value;
  return `${value.slice(0, at)}@${asciiDomain(value.slice(at + 1).toLowerCase())}`;
}

// Recipients share a few domains: each is converted once (a bounded cache, emptied when full).
const asciiDomains = new Map<string, string>();

function asciiDomain(domain: string): string {
  let ascii = asciiDomains.get(domain);
  if (ascii === undefined) {
    if (asciiDomains.size >= 10_000) asciiDomains.clear();
    asciiDomains.set(domain, (ascii = domainToASCII(domain) || domain));
  }
  return ascii;
}

/** `Name <address>`, the name quoted or encoded as nodemailer does. */
function formatAddress(name: string | undefined, address: string): string {
  if (!name) return address;
  let display = name;
  if (!/^[\w ]*$/.test(name)) {
    display = /^[\x20-\x7e]*$/.test(name) ? `"${name.replace(/([\\"])/g, '\\$1')}"` : mimeFuncs.encodeWord(name, 'Q', 52);
  }
  return `${display} <${address}>`;
}
