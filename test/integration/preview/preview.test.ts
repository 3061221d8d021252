import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { variantTemplatePaths } from '../../../src/delivery/render.js';
import type { PreviewManifest } from '../../../src/preview/manifest.js';
import { validatePaths, type ValidScenario } from '../../../src/validate/validate.js';
import { ensureBuilt } from '../../helpers/engine.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { FILES, readManifest, relance, ROOT, type CliRun } from './fixture.js';

beforeAll(async () => {
  await ensureBuilt();
}, 240_000);

describe('relance preview on the 14 examples', () => {
  const out = mkdtempSync(join(tmpdir(), 'relance-preview-examples-'));
  let run: CliRun;
  let manifest: PreviewManifest;
  let examples: ValidScenario[];
  let index: string;

  beforeAll(async () => {
    run = await relance(['preview', 'scenarios', '--out', out, '--no-screenshots', '--no-spam-score']);
    manifest = readManifest(out);
    index = readFileSync(join(out, 'index.html'), 'utf8');
    examples = (await validatePaths([join(ROOT, 'scenarios')])).scenarios;
  }, 120_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('writes HTML, text and .eml for every email step and language variant, and says so', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^relance preview: \d+ emails \(14 scenarios, 3 contacts, 2 languages\) in .+ — screenshots: off \(--no-screenshots\); spam scores: off \(--no-spam-score\)/m);
    expect(examples).toHaveLength(14);
    expect(manifest.scenarios.map((s) => s.name).sort()).toEqual(examples.map((e) => e.scenario.metadata.name).sort());
    let variants = 0;
    for (const { file, scenario, graph } of examples) {
      const name = scenario.metadata.name;
      const written = readdirSync(join(out, name));
      for (const id of graph.order) {
        const step = graph.steps[id]!.step;
        if (step.type !== 'email') continue;
        for (const language of [scenario.spec.language ?? 'en', ...Object.keys(step.languages ?? {})]) {
          // A variant without its own HTML file goes out in the scenario's language.
          const own = existsSync(join(dirname(file), variantTemplatePaths(step, language).html));
          const shown = own ? language : (scenario.spec.language ?? 'en');
          const stems = written.filter((f) => f.startsWith(`${id}.${shown}.`) && f.endsWith('.eml')).map((f) => f.slice(0, -4));
          expect(stems.length, `${name}/${id} in ${language}`).toBeGreaterThan(0);
          for (const stem of stems) for (const ext of ['html', 'txt']) expect(written, `${name}/${stem}.${ext}`).toContain(`${stem}.${ext}`);
          variants++;
        }
      }
    }
    expect(variants).toBeGreaterThan(50);
    const emails = manifest.scenarios.reduce((n, s) => n + s.emails.length, 0);
    expect(emails).toBeGreaterThanOrEqual(variants);
    expect(run.stdout).toContain(`relance preview: ${emails} emails`);
  });

  it('writes .eml files that mailparser reads with both parts and one-click unsubscribe headers', async () => {
    const emls = manifest.scenarios.flatMap((s) => s.emails.map((e) => e.files.eml));
    expect(emls.length).toBeGreaterThan(100);
    for (const eml of emls) {
      const raw = readFileSync(join(out, eml));
      const parsed = await simpleParser(raw);
      expect(parsed.html, eml).toMatch(/<\/html>/);
      expect(parsed.text, eml).toMatch(/\S/);
      const headers = parsed.headerLines.map((h) => h.key);
      expect(headers, eml).toContain('list-unsubscribe');
      expect(headers, eml).toContain('list-unsubscribe-post');
      expect(parsed.headerLines.find((h) => h.key === 'list-unsubscribe-post')?.line, eml).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      expect(parsed.headerLines.find((h) => h.key === 'list-unsubscribe')?.line, eml).toMatch(/<http:\/\/localhost:8080\/u\/[^>]+>,\s+<mailto:unsubscribe@/);
      expect(raw.includes('\r\n'), eml).toBe(true);
    }
  });

  it('writes an index grouped by scenario and by step in graph order, with who receives each email and when', () => {
    expect(index).toContain('Screenshots: off (--no-screenshots)');
    for (const { scenario, graph } of examples) {
      const name = scenario.metadata.name;
      const at = index.indexOf(`id="${name}"`);
      expect(at, name).toBeGreaterThan(0);
      const positions = graph.order.filter((id) => graph.steps[id]!.step.type === 'email').map((id) => index.indexOf(`id="${name}--${id}"`));
      expect(positions.every((p) => p > at), name).toBe(true);
      expect(positions, name).toEqual([...positions].sort((a, b) => a - b));
    }
    // The catalogue's audience, the graph's audience, delays in words with the sending window.
    expect(index).toContain('all recipients of the initial email, except form');
    expect(index).toContain('contacts who received “Do you still want to hear from us?” and did not bounce on the previous email and did not submit the form and did not open or click the previous email');
    expect(index).toContain('4 days after the previous email (“Initial email”) — then it waits for the sending window (tue wed thu, 09:00-11:00, 14:00-16:00, America/Chicago)');
    expect(index).toContain('1 day before the contact&#39;s eventDate');
    expect(index.match(/<iframe class="frame" sandbox=""/g)).toHaveLength(manifest.scenarios.reduce((n, s) => n + s.emails.length, 0));
  });
});

describe('relance preview on a scenario of its own', () => {
  it('uses the good rows of --contacts, reports the bad one, and shows unresolved variables, escaped', async () => {
    const dir = await tempDir({
      ...FILES,
      'contacts.csv': 'email,First Name,Company\nada@example.com,Ada,Initech\nnot-an-address,Bob,Globex\neve@example.com,<script>alert(1)</script>,\n',
    });
    const out = join(dir, 'previews');
    const run = await relance(['preview', 'scenarios', '--out', out, '--contacts', 'contacts.csv', '--no-screenshots', '--no-spam-score'], { cwd: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/contacts\.csv:3: warning sample contact skipped: invalid email address "not-an-address"/);
    const manifest = readManifest(out);
    expect(manifest.contacts).toEqual({ source: 'file', file: 'contacts.csv', count: 2, rejected: [{ line: 3, reason: 'invalid email address "not-an-address"' }] });
    const emails = manifest.scenarios[0]!.emails;
    expect(new Set(emails.map((e) => e.contact))).toEqual(new Set(['ada@example.com', 'eve@example.com']));
    expect(emails.map((e) => `${e.step}.${e.language}`).sort()).toEqual(['hello.en', 'hello.en', 'hello.fr', 'nudge.en', 'nudge.en']);
    const eve = emails.find((e) => e.step === 'hello' && e.contact === 'eve@example.com' && e.language === 'en')!;
    expect(eve.unresolved).toEqual(['company']);
    expect(eve.subject).toBe('Hello <script>alert(1)</script>');
    expect(emails.find((e) => e.step === 'hello' && e.contact === 'ada@example.com' && e.language === 'en')!.unresolved).toEqual([]);

    const index = readFileSync(join(out, 'index.html'), 'utf8');
    expect(index).toContain('Unresolved for this contact: <mark>{{company}}</mark>');
    expect(index).toContain('Contact file, line 3: invalid email address &quot;not-an-address&quot; — row skipped.');
    expect(index).not.toContain('<script>');
    expect(index).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(index).toContain('Preview fixture — &quot;quotes&quot; &amp; &lt;angles&gt;');
    expect(index).toContain('contacts who received “Hello” and did not open the previous email');
    expect(index).toContain('3 days after the previous email (“Hello”) — then it waits for the sending window');
  });

  it('prints the manifest with --json and still previews the valid files when one has errors (exit 1)', async () => {
    const dir = await tempDir({ ...FILES, 'scenarios/broken.yaml': 'apiVersion: relance/v1\nkind: Scenario\nmetadata:\n  name: broken\nspec: {}\n' });
    const out = join(dir, 'previews');
    const run = await relance(['preview', 'scenarios', '--out', out, '--samples', '2', '--no-screenshots', '--no-spam-score', '--json'], { cwd: dir });
    expect(run.code).toBe(1);
    const printed = JSON.parse(run.stdout) as PreviewManifest;
    expect(printed).toEqual(readManifest(out));
    expect(printed.scenarios.map((s) => s.name)).toEqual(['preview-fixture']);
    // Two generated contacts take turns over the languages: hello in English and in French, nudge (English only) for both.
    const emails = printed.scenarios[0]!.emails;
    expect(emails.map((e) => `${e.step}.${e.language}`)).toEqual(['hello.en', 'hello.fr', 'nudge.en', 'nudge.en']);
    expect(new Set(emails.map((e) => e.contact)).size).toBe(2);
    expect(printed.errors!.map((e) => e.file)).toContain('scenarios/broken.yaml');
    expect(run.stderr).toMatch(/scenarios\/broken\.yaml:\d+:\d+: error/);
    expect(run.stderr).toMatch(/^relance preview: 4 emails \(1 scenario, 2 contacts, 2 languages\)/m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('scenarios/broken.yaml');
  });

  it('says when Chromium cannot run, frames each email instead, and refuses to empty a folder that is not a preview', async () => {
    const dir = await tempDir({ ...FILES, 'notes/keep.txt': 'mine' });
    const run = await relance(['preview', 'scenarios', '--out', 'previews', '--samples', '1', '--no-spam-score'], { cwd: dir, env: { RELANCE_CHROMIUM: '/nonexistent/chromium' } });
    expect(run.code).toBe(0);
    const manifest = readManifest(join(dir, 'previews'));
    expect(manifest.screenshots).toEqual({ taken: false, reason: 'RELANCE_CHROMIUM=/nonexistent/chromium is not an executable file' });
    const index = readFileSync(join(dir, 'previews', 'index.html'), 'utf8');
    expect(index).toContain('Screenshots: RELANCE_CHROMIUM=/nonexistent/chromium is not an executable file — each email is shown in a frame instead.');
    expect(index).toContain('<iframe class="frame" sandbox=""');

    const refused = await relance(['preview', 'scenarios', '--out', 'notes', '--no-screenshots', '--no-spam-score'], { cwd: dir });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('relance: --out notes is not empty and holds no earlier preview (no manifest.json): choose another folder, or empty it\n');
    expect(readFileSync(join(dir, 'notes/keep.txt'), 'utf8')).toBe('mine');
  });

  it('refuses a contacts file with no usable row, saying which rows and why', async () => {
    const dir = await tempDir({ ...FILES, 'contacts.csv': 'email,company\nnope,Initech\n' });
    const run = await relance(['preview', 'scenarios', '--contacts', 'contacts.csv', '--no-screenshots', '--no-spam-score'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('relance: contacts.csv has no usable contact (line 2: invalid email address "nope")\n');
  });
});
