import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { importCommand, report } from '../../../src/cli/commands/contacts.js';
import type { ImportSummary } from '../../../src/contacts/import.js';
import { getContact } from '../../../src/contacts/store.js';
import { testRedis } from '../../helpers/redis.js';
import { tempDir } from '../../helpers/temp-dir.js';

const savedPrefix = process.env.RELANCE_PREFIX;
afterEach(() => {
  vi.restoreAllMocks();
  if (savedPrefix === undefined) delete process.env.RELANCE_PREFIX;
  else process.env.RELANCE_PREFIX = savedPrefix;
});

/** Runs the command against the test's own key prefix and returns what it printed. */
async function run(file: string, options: { list: string; rejects?: string }, prefix: string): Promise<string> {
  process.env.RELANCE_PREFIX = prefix;
  let out = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  await importCommand(file, options);
  vi.restoreAllMocks();
  return out;
}

describe('relance contacts import', () => {
  it('prints a summary and writes every rejected row, formulas neutralised, to --rejects', async () => {
    const { redis, keys } = testRedis();
    const dir = await tempDir({ 'in.csv': 'email,firstName\nann@example.com,=1+1\n=HYPERLINK("x")\nann@example.com,dup\n' });
    const out = await run(join(dir, 'in.csv'), { list: 'demo', rejects: join(dir, 'rejects.csv') }, keys.prefix);
    expect(out).toMatch(/^Imported in\.csv into list "demo" in \d+\.\d s\n/);
    expect(out).toContain('  3 rows: 1 new, 0 updated, 0 unchanged, 2 rejected\n');
    expect(out).toContain('  warning: 1 cell looks like a spreadsheet formula; it is stored as text and neutralised in every export.\n');
    expect(out).toContain('  line 3  =HYPERLINK("x"): expected 2 columns, found 1\n  line 4  ann@example.com: duplicate of line 2\n');
    expect(out).toContain(`All rejected rows are in ${join(dir, 'rejects.csv')}.`);
    expect(await readFile(join(dir, 'rejects.csv'), 'utf8')).toBe(
      '\uFEFFline,email,reason\r\n3,"\'=HYPERLINK(""x"")",\"expected 2 columns, found 1\"\r\n4,ann@example.com,duplicate of line 2\r\n',
    );
    expect((await getContact(redis, keys, 'ann@example.com'))?.fields.firstName).toBe('=1+1');
  });

  it('refuses a file without an email column with exit code 65 and leaves no rejects file', async () => {
    const { keys } = testRedis();
    const dir = await tempDir({ 'in.csv': 'name\nAnn\n' });
    await expect(run(join(dir, 'in.csv'), { list: 'demo', rejects: join(dir, 'rejects.csv') }, keys.prefix)).rejects.toMatchObject({ exitCode: 65 });
    await expect(readFile(join(dir, 'rejects.csv'))).rejects.toThrow(/ENOENT/);
  });

  it('shows at most the first 20 rejected rows and never prints control characters', () => {
    const summary: ImportSummary = {
      list: 'demo', rows: 30, imported: 5, updated: 0, joined: 5, unchanged: 0, suppressed: 2, formulaCells: 0, delimiter: ',', seconds: 1.26,
      rejected: Array.from({ length: 20 }, (_, i) => ({ line: i + 2, email: 'x\u001b[2Jy', reason: 'invalid email address' })), rejectedCount: 25,
      ignoredColumns: [{ column: 3, header: 'a\u202eb', reason: 'not usable as a field name' }],
    };
    const text = report('f.csv', summary);
    expect(text).toContain('Rejected rows (first 20 of 25):');
    expect(text).toContain('  2 imported addresses are suppressed');
    expect(text).toContain('  ignored column 3 "a\\u202eb": not usable as a field name');
    expect(text).toContain('  line 2  x\\u001b[2Jy: invalid email address');
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u202e]/);
    expect(text.trimEnd().split('\n').at(-1)).toBe('Use --rejects FILE.csv to write them all to a file.');
  });
});
