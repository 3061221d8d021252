import { describe, expect, it } from 'vitest';
import { eventPages } from '../../../src/report/event-pages.js';
import { readEvents, KIND } from '../../../src/report/event-index.js';
import { EmailSteps } from '../../../src/report/scenario-info.js';
import { testRedis } from '../../helpers/redis.js';

// The event log is read in two parts at once (the older by the script, the newer by XRANGE):
// every entry exactly once, each part in order, and the form submissions in the log's order.
/** Entries at chosen stream ids: 1,000 ms to 1,999 ms, so the split falls at 1,499. */
async function write(n: number) {
  const { redis, keys } = testRedis(); // its prefix is deleted after each test
  const ids: string[] = [];
  for (let k = 0; k < n; k++) {
    const ms = 1000 + Math.floor((k * 1000) / n);
    const id = `${ms}-${k}`;
    const form = k % 10 === 3;
    const fields = form
      ? ['e', 'form-submitted', 'c', String(k), 't', String(1_700_000_000 + k), 'o', 'form', 'x', JSON.stringify({ [`field${k}`]: 'v', common: String(k) })]
      : ['e', k % 2 ? 'opened' : 'delivered', 'c', String(k % 50), 't', String(1_700_000_000 + k), 'o', 'pixel', 's', 'hello', 'i', '7', ...(k % 7 === 0 ? ['b', '1'] : [])];
    ids.push((await redis.xadd(keys.events('log'), id, ...fields))!);
  }
  return { redis, keys, ids };
}

describe('the event log in two parts', () => {
  it('gives every entry once, each part in order, with pages of both parts interleaved', async () => {
    const { redis, keys, ids } = await write(500);
    const seen: Array<{ part: number; contact: string; at: string }> = [];
    const parts: number[] = [];
    for await (const { part, events } of eventPages(redis, keys.events('log'), 40)) {
      parts.push(part);
      for (const e of events) seen.push({ part, contact: e.contact, at: e.at });
    }
    expect(seen).toHaveLength(ids.length);
    expect(new Set(parts)).toEqual(new Set([0, 1]));
    // The older part is the entries before 1,499 ms, in order; the newer, the rest, in order.
    const older = seen.filter((s) => s.part === 0).map((s) => Number(s.at) - 1_700_000_000);
    const newer = seen.filter((s) => s.part === 1).map((s) => Number(s.at) - 1_700_000_000);
    expect([...older, ...newer]).toEqual(ids.map((_, k) => k));
    expect(older.length).toBe(ids.filter((id) => Number(id.split('-')[0]) < 1499).length);
  });

  it('readEvents lists form submissions and their field names in the log’s order, and first times per send', async () => {
    const { redis, keys } = await write(500);
    const steps = new EmailSteps();
    steps.add({ id: 'hello', campaign: 'c', subject: 's' });
    const index = await readEvents(redis, keys, 'log', steps, {});
    const forms = Array.from({ length: 500 }, (_, k) => k).filter((k) => k % 10 === 3);
    expect(index.events).toBe(500);
    expect(index.forms.ids.slice(0, forms.length)).toEqual(forms.map((k) => `${1000 + Math.floor((k * 1000) / 500)}-${k}`));
    expect(index.forms.fields).toEqual(['field3', 'common', ...forms.slice(1).map((k) => `field${k}`)]);
    // Contact 1: opened first at k = 1 (not a bot's: 1 % 7 ≠ 0); delivered first at k = 50 (k = 0 is contact 0).
    const times = new Uint32Array(9);
    index.sends.read('1', steps.of('hello'), 7, times);
    expect(times[KIND.opened]).toBe(1_700_000_001);
    const t0 = new Uint32Array(9);
    index.sends.read('0', steps.of('hello'), 7, t0);
    expect(t0[KIND.delivered]).toBe(1_700_000_000 + 50); // k = 0 was a bot's entry, k = 50 is contact 0's next delivered
  });
});
