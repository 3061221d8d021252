import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findProgram } from '../../../src/preview/find-program.js';
import { startSpamScorer } from '../../../src/preview/spam-score.js';
import { ensureBuilt } from '../../helpers/engine.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { FILES, readManifest, relance } from './fixture.js';

const spamassassin = findProgram(['spamassassin', 'spamd'], `${process.env.PATH}:/usr/sbin`);

describe.runIf(spamassassin)('relance preview with SpamAssassin', () => {
  beforeAll(async () => {
    await ensureBuilt();
  }, 240_000);

  it('gives every email a score and the rules it hit, in the manifest and in the gallery', async () => {
    const dir = await tempDir(FILES);
    const out = join(dir, 'previews');
    const run = await relance(['preview', 'scenarios', '--out', out, '--samples', '2', '--no-screenshots'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const manifest = readManifest(out);
    expect(manifest.spamScore.taken).toBe(true);
    const emails = manifest.scenarios.flatMap((s) => s.emails);
    expect(emails).toHaveLength(4);
    for (const e of emails) {
      expect(typeof e.spam?.score, e.files.eml).toBe('number');
      expect(Number.isFinite(e.spam!.score)).toBe(true);
      expect(e.spam!.threshold).toBe(5);
      // Local tests only: every message is HTML and has no Received header.
      expect(e.spam!.rules.map((r) => r.name)).toEqual(expect.arrayContaining(['HTML_MESSAGE', 'NO_RECEIVED']));
      for (const rule of e.spam!.rules) {
        expect(rule.name).toMatch(/^[A-Z0-9_]+$/);
        expect(rule.description).not.toBe('');
      }
    }
    const scores = emails.map((e) => e.spam!.score).sort((a, b) => a - b);
    expect(manifest.spamScore.max).toBe(scores.at(-1));
    expect(run.stdout).toMatch(/spam scores: median -?\d+\.\d, highest -?\d+\.\d/);
    const index = readFileSync(join(out, 'index.html'), 'utf8');
    expect(index.match(/Spam score <b class="score (good|warn|bad)">-?\d+\.\d<\/b>/g)).toHaveLength(emails.length);
    expect(index).toContain('<code>HTML_MESSAGE</code>');
    expect(index).toMatch(/Spam scores: median -?\d+\.\d, highest/);
  });
});

describe.runIf(spamassassin)('the SpamAssassin scorer', () => {
  const message = [
    'From: Alice <alice@acme.test>', 'To: bob@example.com', 'Subject: Hello', 'Date: Mon, 01 Jun 2026 09:00:00 +0000',
    'Message-ID: <preview-test@acme.test>', 'MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8', '',
    '<html><body><p>Hello</p><img src="http://localhost:8080/o/x.gif" width="1" height="1"></body></html>', '',
  ].join('\r\n');

  it.runIf(findProgram(['spamd'], `${process.env.PATH}:/usr/sbin`))('scores through a private spamd and stops it', async () => {
    const scorer = await startSpamScorer();
    if ('reason' in scorer) throw new Error(scorer.reason);
    expect(scorer.kind).toBe('spamd');
    try {
      const results = await Promise.all([scorer.score(message), scorer.score(message), scorer.score(message)]);
      for (const r of results) expect(r!.rules.map((x) => x.name)).toContain('HTML_IMAGE_ONLY_04');
      expect(new Set(results.map((r) => r!.score)).size).toBe(1);
    } finally {
      await scorer.close();
    }
  });

  it.runIf(findProgram(['spamassassin']))('falls back to spamassassin per message when spamd is missing', async () => {
    const bin = await tempDir({});
    symlinkSync(findProgram(['spamassassin'])!, join(bin, 'spamassassin'));
    const scorer = await startSpamScorer(1, bin);
    if ('reason' in scorer) throw new Error(scorer.reason);
    expect(scorer.kind).toBe('spamassassin');
    const result = await scorer.score(message);
    expect(result!.rules.map((x) => x.name)).toContain('HTML_IMAGE_ONLY_04');
    expect(result!.score).toBeGreaterThan(1);
    await scorer.close();
  }, 60_000);
});

describe('without SpamAssassin', () => {
  it('says how to install it', async () => {
    const empty = await tempDir({});
    expect(await startSpamScorer(1, empty)).toEqual({ reason: 'SpamAssassin not installed (apt-get install spamassassin spamd)' });
  });
});
