import type { Redis } from 'ioredis';
import { runScript } from '../state/scripts.js';

/**
 * The event log read in pages, each page one string made next to the data by a read-only script
 * (lua/read-event-page.lua: the fields the report reads, separated by \x1f, \x1e after each
 * entry), while the next page is asked for as the client reads this one.
 */
const page = (redis: Redis, key: string, start: string, end: string, count: number): Promise<[string, number, string]> =>
  runScript<[string, number, string]>(redis, 'read-event-page', [key], [start, end, count]);

/** One event as the report reads it; fields missing from the entry are ''. */
export interface PageEvent {
  type: string;
  contact: string;
  at: string;
  step: string;
  visit: string;
  bot: string;
  /** Form submissions only. */
  id: string;
  detail: string;
}

/**
 * The log from its start to the entry that was last when the read began (events recorded
 * meanwhile wait for the next report), in pages.
 */
export async function* eventPages(redis: Redis, key: string, count: number): AsyncGenerator<PageEvent[]> {
  const [last] = await redis.xrevrange(key, '+', '-', 'COUNT', 1);
  if (!last) return;
  const end = last[0];
  let next = page(redis, key, '-', end, count);
  for (;;) {
    const [tail, n, text] = await next;
    const more = n === count && tail !== end;
    if (more) {
      next = page(redis, key, `(${tail}`, end, count);
      next.catch(() => undefined); // awaited on the next turn; the caller may have stopped
    }
    if (n > 0) yield readPage(text);
    if (!more) return;
  }
}

/** A page's text: per entry `e c t s i b` (and `id x` for a form), then a `\x1e` field; all fields split by `\x1f`. */
function readPage(text: string): PageEvent[] {
  const parts = text.split('\x1f');
  const out: PageEvent[] = [];
  let p = 0;
  while (p + 6 < parts.length) {
    const form = parts[p + 6] !== '\x1e';
    out.push({ type: parts[p]!, contact: parts[p + 1]!, at: parts[p + 2]!, step: parts[p + 3]!, visit: parts[p + 4]!, bot: parts[p + 5]!, id: form ? parts[p + 6]! : '', detail: form ? parts[p + 7] ?? '' : '' });
    p += form ? 9 : 7;
  }
  return out;
}
