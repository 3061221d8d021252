import { createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { importContacts } from '../../../src/contacts/import.js';
import { getContact, listSize } from '../../../src/contacts/store.js';
import { testRedis } from '../../helpers/redis.js';
import { tempDir } from '../../helpers/temp-dir.js';

const ROWS = 200_000;

/** A full GC, so that what is measured is memory still held, not garbage not yet collected. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** JS heap plus ArrayBuffers (the duplicate-address table lives in typed arrays). */
function held(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

describe('contacts import of a large file', () => {
  it('streams: the memory it holds stays far below the file size, and every row lands', async () => {
    const { redis, keys } = testRedis();
    const file = join(await tempDir({}), 'big.csv');
    const out = createWriteStream(file);
    const notes = 'n'.repeat(200); // long rows: the file is large, the per-address state is not
    out.write('email,firstName,score,notes\n');
    for (let i = 0; i < ROWS; i++) if (!out.write(`user${i}@example.com,User ${i},${i % 100},"${notes} ${i}"\n`)) await once(out, 'drain');
    out.end();
    await once(out, 'finish');
    const size = (await stat(file)).size;

    collectGarbage();
    const before = held();
    let peak = before;
    let calls = 0;
    const summary = await importContacts({
      redis, keys, file, list: 'big',
      onProgress: () => {
        calls++;
        collectGarbage();
        peak = Math.max(peak, held());
      },
    });
    expect(summary).toMatchObject({ rows: ROWS, imported: ROWS, rejectedCount: 0 });
    expect(await listSize(redis, keys, 'big')).toBe(ROWS);
    expect((await getContact(redis, keys, `user${ROWS - 1}@example.com`))?.fields).toMatchObject({ score: String((ROWS - 1) % 100) });
    expect(calls).toBeGreaterThan(size / (1 << 20) - 1); // read chunk by chunk, not in one go
    console.log(`file ${(size / 1e6).toFixed(1)} MB, memory held at most +${((peak - before) / 1e6).toFixed(1)} MB`);
    // ~5 MB of batches in flight and ~6 MB of duplicate-address table for 200k rows, whatever the file size.
    // Loading the file whole would hold at least its size (as text, twice that); streaming holds a
    // few chunks. Half the size leaves room for a loaded machine's slower drain, and still tells them apart.
    expect(peak - before).toBeLessThan(size / 2);
  });
});
