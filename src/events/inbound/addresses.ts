import { parseAddressHeader } from 'mailparser';
import { normalizeEmail } from '../../contacts/normalize.js';

/** The longest address SMTP carries (RFC 5321: 64 + 1 + 255). */
const MAX_ADDRESS = 320;
const ADDRESS = /^[^\s@<>]+@[^\s@<>]+$/;
// relance's envelope senders are `<local>+<Message-ID's 32 hex>@<domain>` (delivery/verp.ts).
const VERP = /^[^\s@]*\+([0-9a-f]{32})@[^\s@]+$/;

/**
 * The bare addresses of address header values (groups opened, display names dropped), lowercased,
 * in order, each once. Whatever does not look like `local@domain` is left out.
 */
export function addressesIn(values: string[]): string[] {
  if (!values.length) return [];
  const found = new Set<string>();
  for (const entry of parseAddressHeader(values, { flatten: true }).value) {
    const address = bareAddress(entry.address ?? '');
    if (address) found.add(address);
  }
  return [...found];
}

/** `local@domain` lowercased, from an address with or without angle brackets; undefined for anything else. */
export function bareAddress(value: string): string | undefined {
  const address = normalizeEmail(value.trim().replace(/^<|>$/g, ''));
  return address.length <= MAX_ADDRESS && ADDRESS.test(address) ? address : undefined;
}

/** The 32 hex digits of a VERP address (`bounces+<id>@domain`), or undefined. */
export function verpIdOf(address: string): string | undefined {
  return VERP.exec(address.toLowerCase())?.[1];
}

/** The default unsubscribe address: local part `unsubscribe` (a `+tag` allowed), any domain. */
export function isDefaultUnsubscribeAddress(address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  return address.slice(0, at).toLowerCase().replace(/\+.*$/, '') === 'unsubscribe';
}
