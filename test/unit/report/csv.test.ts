import { PassThrough } from 'node:stream';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { csvFormat, CsvWriter, formatCell, formatRow } from '../../../src/report/csv.js';

const comma = csvFormat(',');
const semicolon = csvFormat(';');

describe('report CSV cells', () => {
  it('neutralises text that a spreadsheet would run as a formula, and only text', () => {
    for (const text of ['=1+2', '+33 6 12', '-5', '@SUM(A1)', '\tx', '\rx']) expect(formatCell(text, comma).replace(/^"/, '')).toMatch(/^'/);
    expect(formatCell('=HYPERLINK("http://x")', comma)).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(formatCell(-1, comma)).toBe('-1');
    expect(formatCell('a=b', comma)).toBe('a=b');
  });

  it('quotes a cell with the delimiter, a quote, CR or LF, and only then', () => {
    expect(formatCell('a,b', comma)).toBe('"a,b"');
    expect(formatCell('a;b', comma)).toBe('a;b');
    expect(formatCell('a;b', semicolon)).toBe('"a;b"');
    expect(formatCell('line\nbreak', comma)).toBe('"line\nbreak"');
    expect(formatCell('say "hi"', comma)).toBe('"say ""hi"""');
    expect(formatCell('Léa Müller-Ça', comma)).toBe('Léa Müller-Ça');
  });

  it('writes numbers as numbers, with a decimal comma for `;`, and nothing for null or NaN', () => {
    expect(formatRow([33.33, 0, null, undefined, Number.NaN, ''], comma)).toBe('33.33,0,,,,\r\n');
    expect(formatRow([33.33, 'x,y'], semicolon)).toBe('33,33;x,y\r\n');
  });

  it('refuses a delimiter a spreadsheet cannot split on', () => {
    expect(() => csvFormat('"')).toThrow(/--delimiter/);
    expect(csvFormat('tab').delimiter).toBe('\t');
  });

  it('writes a BOM, CRLF rows that papaparse reads back, and waits for a slow reader', async () => {
    const sink = new PassThrough({ highWaterMark: 1024 });
    const csv = new CsvWriter(sink, semicolon);
    const chunks: Buffer[] = [];
    let reading = false;
    const done = (async () => {
      csv.header(['name', 'note']);
      for (let i = 0; i < 5000; i++) csv.row([`n${i}`, i % 2 ? '=x;y' : 'plain']);
      await csv.flush();
      reading = true; // the flush above only returned once the reader had taken the data
      await csv.end();
    })();
    sink.on('data', (c: Buffer) => chunks.push(c));
    await done;
    await new Promise((resolve) => sink.on('end', resolve));
    expect(reading).toBe(true);
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text.startsWith('\uFEFFname;note\r\n')).toBe(true);
    const rows = Papa.parse<string[]>(text.slice(1).trimEnd(), { delimiter: ';' }).data;
    expect(rows).toHaveLength(5001);
    expect(rows[2]).toEqual(['n1', "'=x;y"]);
    expect(csv.rows).toBe(5000);
  });
});
