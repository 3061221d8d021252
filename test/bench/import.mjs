// Imports a generated 1,000,000-row CSV (email, firstName, lastName, company, country, score) into
// a fresh key prefix through the compiled library (dist/), as `relance contacts import` does.
// Baselines, same run: our streaming CSV reader alone (papaparse, no Redis), and the same rows
// written bare: multi-field HSET/HSET/SADD of 10,000 rows each (no parsing, no merge, no script).
// Memory: MEMORY USAGE (SAMPLES 0, exact) of contact:ids + contact:data + list:<name> after the
// import, divided by the rows; the `used_memory` delta is printed too.
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { deleteAll, ensureBuilt, root, seconds, usedMemory } from './lib/common.mjs';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
ensureBuilt();
const { importContacts } = await import(join(root, 'dist/contacts/import.js'));
const { readCsv } = await import(join(root, 'dist/contacts/csv-reader.js'));
const { Keys } = await import(join(root, 'dist/state/keys.js'));
const { Redis } = await import('ioredis');

const dir = mkdtempSync(join(tmpdir(), 'relance-bench-import-'));
const file = join(dir, 'contacts.csv');
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const keys = new Keys(`bench-import-${randomUUID().slice(0, 8)}`);
const baselineKeys = new Keys(`bench-import-${randomUUID().slice(0, 8)}`);
const FIRST = ['Alice', 'Bruno', 'Chloé', 'David', 'Élodie', 'Farid', 'Gaëlle', 'Hugo'];
const LAST = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand'];
const COUNTRIES = ['FR', 'BE', 'CH', 'CA', 'LU', 'DE', 'ES', 'IT'];
const row = (i) => [`contact${i}@example${i % 97}.com`, FIRST[i % 8], LAST[(i >> 3) % 8], `Company ${i % 5000}`, COUNTRIES[(i >> 6) % 8], String(i % 100)];


try {
  // The file, written in 64 KB slices.
  const out = createWriteStream(file);
  let text = 'email,firstName,lastName,company,country,score\n';
  for (let i = 1; i <= ROWS; i++) {
    text += `${row(i).join(',')}\n`;
    if (text.length > 65_536) {
      if (!out.write(text)) await once(out, 'drain');
      text = '';
    }
  }
  out.end(text);
  await once(out, 'finish');
  const bytes = statSync(file).size;
  console.log(`file: ${ROWS.toLocaleString('en')} rows, ${(bytes / 1e6).toFixed(1)} MB`);

  // Baseline 1: parsing only.
  let parsed = 0;
  let start = process.hrtime.bigint();
  await readCsv(createReadStream(file, { highWaterMark: 1 << 20 }), { onRow: () => void parsed++ });
  const parseSeconds = seconds(start);

  // The import.
  const memoryBefore = await usedMemory(redis);
  const heapBefore = process.memoryUsage().rss;
  let peakRss = heapBefore;
  start = process.hrtime.bigint();
  const summary = await importContacts({ redis, keys, file, list: 'bench', onProgress: () => { peakRss = Math.max(peakRss, process.memoryUsage().rss); } });
  const importSeconds = seconds(start);
  const memoryDelta = (await usedMemory(redis)) - memoryBefore;
  let usage = 0;
  for (const key of [keys.contactIds(), keys.contactData(), keys.list('bench'), keys.lists(), keys.contactSeq()]) usage += Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
  if (summary.imported !== ROWS || summary.rejectedCount !== 0) throw new Error(`unexpected summary: ${JSON.stringify({ ...summary, rejected: summary.rejected.slice(0, 5) })}`);
  await deleteAll(redis, keys);

  // Baseline 2: the same writes with no per-row logic: one HSET/HSET/SADD of 10,000 rows each.
  start = process.hrtime.bigint();
  for (let from = 1; from <= ROWS; from += 10_000) {
    const ids = [];
    const data = [];
    const members = [];
    for (let i = from; i < Math.min(from + 10_000, ROWS + 1); i++) {
      const [email, firstName, lastName, company, country, score] = row(i);
      ids.push(email, i);
      data.push(i, JSON.stringify({ email, firstName, lastName, company, country, score }));
      members.push(i);
    }
    await redis.pipeline().hset(baselineKeys.contactIds(), ...ids).hset(baselineKeys.contactData(), ...data).sadd(baselineKeys.list('bench'), ...members).exec();
  }
  const bareSeconds = seconds(start);
  await deleteAll(redis, baselineKeys);

  const perContact = usage / ROWS;
  console.log(`import: ${ROWS.toLocaleString('en')} rows in ${importSeconds.toFixed(2)} s wall (${Math.round(ROWS / importSeconds).toLocaleString('en')} rows/s); imported ${summary.imported}, rejected ${summary.rejectedCount}; client RSS peak +${((peakRss - heapBefore) / 1e6).toFixed(0)} MB`);
  console.log(`baseline: CSV reader alone ${parseSeconds.toFixed(2)} s (${parsed} records); bare HSET+HSET+SADD of 10,000 rows a call ${bareSeconds.toFixed(2)} s`);
  console.log(`redis memory: ${perContact.toFixed(1)} bytes per contact (MEMORY USAGE of the contact keys); used_memory delta ${(memoryDelta / ROWS).toFixed(1)} bytes per contact`);
  console.log(JSON.stringify({ bench: 'import', rows: ROWS, seconds: Number(importSeconds.toFixed(3)), redis_bytes_per_contact: Number(perContact.toFixed(1)), baseline_parse_seconds: Number(parseSeconds.toFixed(3)), baseline_bare_hset_seconds: Number(bareSeconds.toFixed(3)), used_memory_delta_per_contact: Number((memoryDelta / ROWS).toFixed(1)) }));
} finally {
  await deleteAll(redis, keys).catch(() => {});
  await deleteAll(redis, baselineKeys).catch(() => {});
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
}
