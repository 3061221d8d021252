import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importContacts } from '../../../src/contacts/import.js';
import { ImportError } from '../../../src/contacts/import-error.js';
import { getContact, listSize } from '../../../src/contacts/store.js';
import { testRedis } from '../../helpers/redis.js';
import { FIXTURES, allContacts, importText, rejections } from './helpers.js';

describe('contacts import', () => {
  it('imports a file: aliases map to fields, addresses are normalised, values kept as text', async () => {
    const { redis, keys } = testRedis();
    const summary = await importContacts({ redis, keys, file: join(FIXTURES, 'contacts.csv'), list: 'leads' });
    expect(summary).toMatchObject({ list: 'leads', rows: 5, imported: 5, updated: 0, unchanged: 0, rejectedCount: 0, suppressed: 0, formulaCells: 0, ignoredColumns: [] });
    expect(await getContact(redis, keys, 'bob@example.org')).toEqual({
      id: '2',
      fields: { email: 'bob@example.org', firstName: 'Bob', lastName: 'Durand', company: 'Globex', country: 'BE', score: '7' },
    });
    expect((await getContact(redis, keys, 'dave@example.com'))?.fields).toMatchObject({ company: 'Umbrella, Inc.', score: '3.5' });
    expect((await getContact(redis, keys, 'alice@example.com'))?.fields).toMatchObject({ eventDate: '2025-03-01' });
    expect(await listSize(redis, keys, 'leads')).toBe(5);
    expect(await redis.smembers(keys.lists())).toEqual(['leads']);
    expect(await redis.get(keys.contactSeq())).toBe('5');
  });

  it('re-imports: unchanged contacts are reported as such, changes and list joins as updates', async () => {
    const { redis, keys } = testRedis();
    const text = 'email,firstName,city\na@example.com,Ann,Paris\nb@example.com,Ben,Lyon\n';
    expect(await importText(redis, keys, text)).toMatchObject({ imported: 2, updated: 0, unchanged: 0 });
    expect(await importText(redis, keys, text)).toMatchObject({ imported: 0, updated: 0, unchanged: 2 });
    const changed = await importText(redis, keys, 'email,firstName,city\na@example.com,Ann,Nice\nb@example.com,Ben,Lyon\nc@example.com,Cy,Metz\n');
    expect(changed).toMatchObject({ rows: 3, imported: 1, updated: 1, unchanged: 1 });
    expect((await getContact(redis, keys, 'a@example.com'))?.fields).toMatchObject({ city: 'Nice' });
    // Same contacts into another list: joining it is an update; ids and fields stay.
    expect(await importText(redis, keys, 'email\na@example.com\nB@example.com\n', 'other')).toMatchObject({ imported: 0, updated: 2, unchanged: 0 });
    expect(await getContact(redis, keys, 'a@example.com')).toEqual({ id: '1', fields: { email: 'a@example.com', firstName: 'Ann', city: 'Nice' } });
    expect((await redis.smembers(keys.list('other'))).sort()).toEqual(['1', '2']);
  });

  it('never erases a stored value with an empty cell, and adds new fields', async () => {
    const { redis, keys } = testRedis();
    await importText(redis, keys, 'email,firstName,company\na@example.com,Ann,Acme\n');
    const summary = await importText(redis, keys, 'email,firstName,company,country\na@example.com,,  ,FR\n');
    expect(summary).toMatchObject({ updated: 1 });
    expect((await getContact(redis, keys, 'a@example.com'))?.fields).toEqual({ email: 'a@example.com', firstName: 'Ann', company: 'Acme', country: 'FR' });
  });

  it('reports bad rows with their line and reason, skips them and imports the rest', async () => {
    const { redis, keys } = testRedis();
    const summary = await importContacts({ redis, keys, file: join(FIXTURES, 'bad-rows.csv'), list: 'demo' });
    expect(rejections(summary)).toEqual([
      [3, 'invalid email address'],
      [4, 'expected 3 columns, found 2'],
      [5, 'duplicate of line 2'],
      [6, 'score must be a number, found "lots"'],
      [7, 'missing email address'],
      [8, 'expected 3 columns, found 4'],
    ]);
    expect(summary.rejected[0]).toMatchObject({ email: 'not-an-address' });
    expect(summary).toMatchObject({ rows: 8, imported: 2, rejectedCount: 6 });
    expect([...(await allContacts(redis, keys)).keys()].sort()).toEqual(['ok1@example.com', 'ok8@example.com']);
    // The duplicate did not overwrite the first occurrence.
    expect((await getContact(redis, keys, 'ok1@example.com'))?.fields).toMatchObject({ firstName: 'One', score: '1' });
  });

  it('calls onReject for every rejected row and keeps maxRejected of them in the summary', async () => {
    const { redis, keys } = testRedis();
    const seen: number[] = [];
    const rows = Array.from({ length: 30 }, (_, i) => `bad-${i}`).join('\n');
    const summary = await importText(redis, keys, `email\n${rows}\n`, 'demo', { maxRejected: 10, onReject: (r) => seen.push(r.line) });
    expect(summary.rejectedCount).toBe(30);
    expect(summary.rejected).toHaveLength(10);
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
  });

  it('refuses a file without an email column and writes nothing', async () => {
    const { redis, keys } = testRedis();
    const run = importContacts({ redis, keys, file: join(FIXTURES, 'no-email.csv'), list: 'demo' });
    await expect(run).rejects.toThrow(ImportError);
    await expect(run).rejects.toMatchObject({ code: 'IMPORT_NO_EMAIL_COLUMN', exitCode: 65 });
    await expect(run).rejects.toThrow(/no email column.*"name", "company"/);
    expect(await redis.keys(keys.all())).toEqual([]);
  });

  it('refuses an empty file, a missing file and a bad list name', async () => {
    const { redis, keys } = testRedis();
    await expect(importText(redis, keys, '')).rejects.toMatchObject({ code: 'IMPORT_EMPTY_FILE' });
    await expect(importText(redis, keys, '\n\n')).rejects.toMatchObject({ code: 'IMPORT_EMPTY_FILE' });
    await expect(importContacts({ redis, keys, file: join(FIXTURES, 'nope.csv'), list: 'demo' })).rejects.toMatchObject({ code: 'IMPORT_FILE_UNREADABLE', exitCode: 66 });
    await expect(importText(redis, keys, 'email\na@example.com\n', 'Bad List')).rejects.toMatchObject({ code: 'IMPORT_BAD_LIST' });
    expect(await redis.keys(keys.all())).toEqual([]);
  });

  it('stops with a clear error when Redis fails mid-import', async () => {
    const { redis, keys } = testRedis();
    await redis.set(keys.contactSeq(), 'not a number'); // INCR fails inside the script
    const rows = Array.from({ length: 50 }, (_, i) => `u${i}@example.com`).join('\n');
    const run = importText(redis, keys, `email\n${rows}\n`, 'demo', { batchSize: 10 });
    await expect(run).rejects.toMatchObject({ code: 'IMPORT_INTERRUPTED', exitCode: 75 });
    await expect(run).rejects.toThrow(/^import interrupted at line 2: .*not an integer.*importing the same file again is safe\.$/);
  });

  it('accepts a header-only file, blank lines and semicolon-separated files', async () => {
    const { redis, keys } = testRedis();
    expect(await importText(redis, keys, 'email,firstName\n')).toMatchObject({ rows: 0, imported: 0 });
    const summary = await importText(redis, keys, '\nemail;prénom;société\n\na@example.com;Ann;Acme, SA\n\n;;\nb@example.com;Ben;\n');
    expect(summary).toMatchObject({ rows: 2, imported: 2, delimiter: ';', rejectedCount: 0 });
    expect((await getContact(redis, keys, 'a@example.com'))?.fields).toEqual({ email: 'a@example.com', firstName: 'Ann', company: 'Acme, SA' });
    // No line break at the end of the file; a single-column file.
    expect(await importText(redis, keys, 'email,city\nc@example.com,Metz')).toMatchObject({ rows: 1, imported: 1 });
    // A tiny semicolon file (guessing needs the blank last line left out), tab-separated too.
    expect(await importText(redis, keys, 'email;prénom\nf@example.fr;Flo\n')).toMatchObject({ imported: 1, delimiter: ';' });
    expect(await importText(redis, keys, 'email\tprénom\ng@example.fr\tGil\n')).toMatchObject({ imported: 1, delimiter: '\t' });
    const single = await importText(redis, keys, 'Email\nd@example.com\ne@example.com,extra\n');
    expect(rejections(single)).toEqual([[3, 'expected 1 column, found 2']]);
  });

  it('uses a delimiter given instead of guessing one', async () => {
    const { redis, keys } = testRedis();
    // Guessing would pick the comma here: every line has exactly one but the header.
    const text = 'email|note\na@example.com|one, two\nb@example.com|three, four\n';
    expect(await importText(redis, keys, text, 'demo', { delimiter: '|' })).toMatchObject({ imported: 2, delimiter: '|' });
    expect((await getContact(redis, keys, 'a@example.com'))?.fields.note).toBe('one, two');
    expect(await importText(redis, keys, 'email\tnote\nc@example.com\tx\n', 'demo', { delimiter: 'tab' })).toMatchObject({ imported: 1, delimiter: '\t' });
    for (const bad of ['', ';;', '"', '\n']) await expect(importText(redis, keys, text, 'demo', { delimiter: bad })).rejects.toMatchObject({ code: 'IMPORT_BAD_DELIMITER', exitCode: 64 });
  });

  it('refuses a file whose header line has broken quotes', async () => {
    const { redis, keys } = testRedis();
    await expect(importText(redis, keys, '"email,name\na@example.com,Ann\n')).rejects.toMatchObject({ code: 'IMPORT_BAD_HEADER', exitCode: 65 });
    expect(await redis.keys(keys.all())).toEqual([]);
  });

  it('writes in batches and reports progress by bytes', async () => {
    const { redis, keys } = testRedis();
    const rows = Array.from({ length: 2500 }, (_, i) => `u${i}@example.com,${i}`).join('\n');
    const progress: number[] = [];
    const summary = await importText(redis, keys, `email,score\n${rows}\n`, 'demo', { batchSize: 100, onProgress: (p) => progress.push(p.bytesRead) });
    expect(summary).toMatchObject({ rows: 2500, imported: 2500 });
    expect(await listSize(redis, keys, 'demo')).toBe(2500);
    expect(progress.at(-1)).toBe(Buffer.byteLength(`email,score\n${rows}\n`));
  });
});
