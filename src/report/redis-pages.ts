import type { Redis } from 'ioredis';

/**
 * A hash read in pages (HSCAN … COUNT): flat `[field, value, field, value, …]` arrays. The next
 * page is asked for as soon as a page arrives, so Redis works while the caller writes rows.
 * HSCAN returns every field present for the whole scan at least once; a hash that grows a lot
 * during the scan (a scenario sending meanwhile) may, rarely, give a field twice.
 */
export async function* hashPages(redis: Redis, key: string, count: number): AsyncGenerator<string[]> {
  let next = redis.hscan(key, '0', 'COUNT', count);
  for (;;) {
    const [cursor, flat] = await next;
    const more = cursor !== '0';
    if (more) {
      next = redis.hscan(key, cursor, 'COUNT', count);
      next.catch(() => undefined); // awaited on the next turn; the caller may have stopped
    }
    if (flat.length > 0) yield flat;
    if (!more) return;
  }
}

export type StreamEntry = [id: string, fields: string[]];

/** Stream entries by id, `count` ids per pipeline (the form submissions the first pass kept). */
export async function* entriesById(redis: Redis, key: string, ids: { length: number; slice(from: number, to: number): string[] }, count: number): AsyncGenerator<StreamEntry[]> {
  for (let from = 0; from < ids.length; from += count) {
    const pipeline = redis.pipeline();
    for (const id of ids.slice(from, from + count)) pipeline.xrange(key, id, id);
    const replies = (await pipeline.exec()) ?? [];
    const page: StreamEntry[] = [];
    for (const [err, reply] of replies) {
      if (err) throw err;
      // An entry trimmed since (retention) is simply gone.
      const entry = (reply as StreamEntry[])[0];
      if (entry) page.push(entry);
    }
    yield page;
  }
}
