import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordEvent } from '../../../src/events/record-event.js';
import { buildReports } from '../../../src/report/build-report.js';
import { csvFormat } from '../../../src/report/csv.js';
import { VirtualClock } from '../../../src/time/clock.js';
import { addContacts, install, onCleanup, scenarioFiles, startEngine } from '../../helpers/engine.js';
import { testRedis } from '../../helpers/redis.js';
import { startSmtpSink, type SmtpSink } from '../../helpers/smtp-sink.js';
import { readZip } from './zip-helpers.js';

/**
 * The report's CSV files as LibreOffice Calc reads them (docs/reports.md says how to install it):
 * each file converted with the import filter a person would pick (delimiter, UTF-8, and the
 * locale: en-US for `,`, fr-FR for `;`), written back out as CSV and compared cell by cell.
 * Runs only where `soffice` or `libreoffice` is on the PATH.
 */

const office = ['soffice', 'libreoffice'].find((cmd) => spawnSync('which', [cmd]).status === 0);
const run = promisify(execFile);

let sink: SmtpSink;
beforeAll(async () => { sink = await startSmtpSink(); });
afterAll(async () => { await sink?.stop(); });

const T0 = Date.parse('2026-06-01T08:00:00Z');

/** LibreOffice's CSV filter options: delimiter, quote, charset (76: UTF-8), first line, column formats, locale. */
const VARIANTS = [
  { delimiter: ',', filter: 'CSV:44,34,76,1,,1033' },
  { delimiter: ';', filter: 'CSV:59,34,76,1,,1036' },
] as const;

function rows(text: string, delimiter: string): string[][] {
  const parsed = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { delimiter, skipEmptyLines: false });
  expect(parsed.errors).toEqual([]);
  const data = parsed.data;
  return data.length > 0 && data[data.length - 1]!.join('') === '' && data[data.length - 1]!.length === 1 ? data.slice(0, -1) : data;
}

describe('the report in LibreOffice Calc', () => {
  it.runIf(office)('reads every CSV of both variants with its accents, columns and numbers intact', async () => {
    const { redis, keys } = testRedis();
    const files = scenarioFiles();
    files.scenario('accents', `  schedule: { timezone: Europe/Paris }
  form: { id: inscription, fields: [{ name: societe, label: Société }] }
  steps:
    - { id: bonjour, type: email, name: Première campagne, template: m/bonjour, subject: Bonjour }
    - { id: fin, type: exit, outcome: end }
`);
    await addContacts(redis, keys, 'people', [
      { email: 'lea@example.org', firstName: 'Léa', lastName: 'Müller-Ça', company: 'Société; "Générale"', score: '42' },
      { email: 'bob@example.org', firstName: '=HYPERLINK("http://x")', lastName: 'Øster, Åse' },
      { email: 'zoe@example.org', firstName: 'Zoé', lastName: 'Ñandú' },
    ]);
    await install(redis, keys, files.dir, new Date(T0));
    const t = startEngine({ redis, keys, clock: new VirtualClock(new Date(T0)), smtpUrl: sink.url });
    await t.runTo(new Date(T0 + 60_000));
    await t.stop();
    const [field] = Object.keys(await redis.hgetall(keys.ledger('accents'))).filter((f) => f.startsWith('1|'));
    const visit = Number(field!.split('|')[2]);
    await recordEvent(redis, keys, { type: 'opened', email: 'lea@example.org', scenario: 'accents', step: 'bonjour', visit, at: new Date(T0 + 600_000), source: 'pixel' });
    await recordEvent(redis, keys, { type: 'form-submitted', email: 'zoe@example.org', scenario: 'accents', at: new Date(T0 + 900_000), source: 'form', detail: { société: 'Crème brûlée SARL', 'intérêt': 'élevé' } });

    const work = mkdtempSync(join(tmpdir(), 'relance-office-'));
    onCleanup(() => rmSync(work, { recursive: true, force: true }));
    // A profile of its own: another soffice running on the machine does not get in the way.
    const profile = pathToFileURL(join(work, 'profile')).href;
    for (const variant of VARIANTS) {
      const dir = join(work, variant.delimiter === ',' ? 'comma' : 'semicolon');
      const [summary] = await buildReports(redis, keys, ['accents'], { dir, now: new Date(T0 + 3_600_000), format: csvFormat(variant.delimiter) });
      const zip = await readZip(summary!.path!);
      expect([...zip.keys()]).toEqual(['Global.csv', 'Resume.csv', 'Formulaire_inscription.csv']);
      const input = join(dir, 'csv');
      const output = join(dir, 'converted');
      mkdirSync(input);
      for (const [name, bytes] of zip) writeFileSync(join(input, name), bytes);
      await run(office!, [
        `-env:UserInstallation=${profile}`, '--headless', `--infilter=${variant.filter}`,
        '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76,1', '--outdir', output, ...[...zip.keys()].map((n) => join(input, n)),
      ], { timeout: 120_000 });

      for (const [name, bytes] of zip) {
        const ours = rows(bytes.toString('utf8'), variant.delimiter);
        const raw = readFileSync(join(output, name), 'utf8');
        const calc = rows(raw, ',');
        expect(calc.length, `${variant.delimiter} ${name}`).toBe(ours.length);
        ours.forEach((row, i) => {
          // Calc pads every row to the sheet's widest one (Resume.csv's step table).
          expect(calc[i]!.slice(row.length).every((c) => c === ''), `${name} row ${i}`).toBe(true);
          // A decimal comma (the `;` variant) comes back as a number with a point: the locale read it.
          const same = row.map((c) => (variant.delimiter === ';' ? c.replace(/^(-?\d+),(\d+)$/, '$1.$2') : c));
          expect(calc[i]!.slice(0, row.length), `${variant.delimiter} ${name} row ${i}`).toEqual(same);
        });
        if (name === 'Global.csv') {
          expect(raw).toContain('"Müller-Ça"');
          expect(raw).toContain('"Ñandú"');
          expect(raw).toContain(`"'=HYPERLINK(""http://x"")"`); // text, never a formula
          expect(raw).toMatch(/,42,/); // a number stays a number
        }
        if (name === 'Resume.csv') expect(raw).toMatch(/^"bonjour","Première campagne","Bonjour",3,3,3,0,1,.*,33\.33,/m); // the open rate, numeric in both locales
        if (name === 'Formulaire_inscription.csv') expect(calc[1]!.slice(2)).toEqual(['Crème brûlée SARL', 'élevé']);
      }
    }
  }, 180_000);
});
