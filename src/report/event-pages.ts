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

/** A page of the log, and which part of it: 0 the older, 1 the newer. */
export interface EventPage {
  part: 0 | 1;
  events: PageEvent[];
}

/**
 * The log from its start to the entry that was last when the read began (events recorded
 * meanwhile wait for the next report), in pages. Split at the middle of its time span, the two
 * parts are read at once: the older by the script (its cost in Redis, little in the client), the
 * newer by plain XRANGE (its cost in the client, little in Redis). Redis is busy alone otherwise,
 * and the client waits: together, about a third less time. Each part's pages come in order; the
 * two parts' pages are interleaved as they arrive.
 */
export async function* eventPages(redis: Redis, key: string, count: number): AsyncGenerator<EventPage> {
  const [[last], [first]] = await Promise.all([redis.xrevrange(key, '+', '-', 'COUNT', 1), redis.xrange(key, '-', '+', 'COUNT', 1)]);
  if (!last || !first) return;
  const end = last[0];
  const from = msOf(first[0]);
  const to = msOf(end);
  if (to - from < 2) {
    for await (const events of pages(byScript(redis, key, end, count), '-', end, count)) yield { part: 0, events };
    return;
  }
  // The newer part starts at the first id of this millisecond: the older one ends just before it.
  const middle = `${Math.floor((from + to) / 2)}-0`;
  const olderEnd = `(${middle}`;
  const older = tag(0, pages(byScript(redis, key, olderEnd, count), '-', olderEnd, count));
  const newer = tag(1, pages(byRange(redis, key, end, count), middle, end, count));
  yield* merge([older, newer]);
}

const msOf = (id: string): number => Number(id.slice(0, id.indexOf('-')));

async function* tag(part: 0 | 1, source: AsyncGenerator<PageEvent[]>): AsyncGenerator<EventPage> {
  for await (const events of source) yield { part, events };
}

/** One page from `start`: its last stream id ('' when empty), how many entries, and those entries read. */
type ReadPage = (start: string) => Promise<{ tail: string; n: number; events: () => PageEvent[] }>;

/** Pages from `start` to `end`, the next asked for while the client reads this one. */
async function* pages(read: ReadPage, start: string, end: string, count: number): AsyncGenerator<PageEvent[]> {
  let next = read(start);
  for (;;) {
    const { tail, n, events } = await next;
    const more = n === count && tail !== end;
    if (more) {
      next = read(`(${tail}`);
      next.catch(() => undefined); // awaited on the next turn; the caller may have stopped
    }
    if (n > 0) yield events();
    if (!more) return;
  }
}

/** Pages made by the script: Redis's work, the client only splits the text. */
const byScript = (redis: Redis, key: string, end: string, count: number): ReadPage => async (start) => {
  const [tail, n, text] = await page(redis, key, start, end, count);
  return { tail, n, events: () => readPage(text) };
};

/** Pages by XRANGE: little work for Redis, the client parses the entries. */
const byRange = (redis: Redis, key: string, end: string, count: number): ReadPage => async (start) => {
  const entries = await redis.xrange(key, start, end, 'COUNT', count);
  return { tail: entries.at(-1)?.[0] ?? '', n: entries.length, events: () => entries.map(([id, fields]) => pageEvent(id, fields)) };
};

/** An XRANGE entry as the script would have given it. */
function pageEvent(id: string, fields: string[]): PageEvent {
  const e: PageEvent = { type: '', contact: '', at: '', step: '', visit: '', bot: '', id: '', detail: '' };
  let detail = '';
  for (let j = 0; j + 1 < fields.length; j += 2) {
    const value = fields[j + 1]!;
    switch (fields[j]) {
      case 'e': e.type = value; break;
      case 'c': e.contact = value; break;
      case 't': e.at = value; break;
      case 's': e.step = value; break;
      case 'i': e.visit = value; break;
      case 'b': e.bot = value; break;
      case 'x': detail = value; break;
    }
  }
  if (e.type === 'form-submitted') {
    e.id = id;
    e.detail = detail;
  }
  return e;
}

/**
 * The pages of several generators as each comes, each generator's in its order. A generator is
 * asked for its next page as soon as it gave one (so each keeps reading while the caller works);
 * an error in one is thrown here, and the others are closed.
 */
async function* merge<T>(sources: Array<AsyncGenerator<T>>): AsyncGenerator<T> {
  type Step = { i: number; result?: IteratorResult<T>; error?: unknown };
  const ask = (i: number): Promise<Step> => sources[i]!.next().then((result) => ({ i, result }), (error: unknown) => ({ i, error }));
  const pending = new Map<number, Promise<Step>>(sources.map((_, i) => [i, ask(i)]));
  try {
    while (pending.size > 0) {
      const step = await Promise.race(pending.values());
      if (step.error !== undefined) throw step.error;
      if (step.result!.done) {
        pending.delete(step.i);
        continue;
      }
      pending.set(step.i, ask(step.i));
      yield step.result!.value;
    }
  } finally {
    // Stopped early or failed: let each generator finish the page it is on, then close it.
    await Promise.all([...pending.values()].map(async (p) => { await sources[(await p).i]!.return(undefined); }));
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
