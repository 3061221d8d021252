import type { HeaderLines } from 'mailparser';
import { headerValues } from './header-values.js';

/** More ids than any real thread carries: the newest are kept, a References header is not a store. */
const MAX_IDS = 100;

const BRACKETED = /<([^<>\s]{1,500})>/g;
const BARE = /^[^<>\s@]+@[^<>\s@]+$/;

/**
 * `<local@domain>` with the local part as written and the domain lowercased (domains are
 * case-insensitive, local parts are not); undefined for something that is not an id.
 */
export function normalizeMessageId(id: string): string | undefined {
  const inner = id.trim().replace(/^<|>$/g, '');
  const at = inner.lastIndexOf('@');
  if (at <= 0 || at === inner.length - 1 || /[\s<>]/.test(inner)) return undefined;
  return `<${inner.slice(0, at)}@${inner.slice(at + 1).toLowerCase()}>`;
}

/**
 * The Message-IDs in one header value, in order: the bracketed ones (comments and phrases around
 * them, as old clients wrote in In-Reply-To, are skipped), or, when there is none, bare
 * `local@domain` words, which some clients write without brackets.
 */
export function messageIdsIn(value: string): string[] {
  const ids: string[] = [];
  for (const match of value.matchAll(BRACKETED)) {
    const id = normalizeMessageId(match[1] ?? '');
    if (id) ids.push(id);
  }
  if (ids.length) return ids;
  for (const word of value.split(/[\s,]+/)) {
    if (!BARE.test(word)) continue;
    const id = normalizeMessageId(word);
    if (id) ids.push(id);
  }
  return ids;
}

/** In-Reply-To first, then References newest first (each new reply appends its parent last). */
export function threadRefs(lines: HeaderLines): string[] {
  const inReplyTo = headerValues(lines, 'in-reply-to').flatMap(messageIdsIn);
  const references = headerValues(lines, 'references').flatMap(messageIdsIn).reverse();
  return [...inReplyTo, ...references];
}

/** Ids in order, each once, at most MAX_IDS. */
export function uniqueIds(ids: Iterable<string>): string[] {
  return [...new Set(ids)].slice(0, MAX_IDS);
}
