// Renders the 14 examples' emails for 3 sample contacts each with the real CLI (Node start
// included): HTML, text and .eml, no screenshots, no spam scores; target 3 s. Then, where they are
// installed, one run with Chromium screenshots and one with SpamAssassin, for their cost per email.
// Baseline, same run: starting Node alone, and `relance validate` on the same files (preview's
// first step). Prints figures; never asserts them.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;
const cli = join(root, 'bin/relance.js');
const examples = join(root, 'scenarios');
const dir = mkdtempSync(join(tmpdir(), 'relance-bench-preview-'));
const out = join(dir, 'previews');

const onPath = (...names) => names.some((name) => (name.includes('/') ? [name] : `${process.env.PATH}${delimiter}/usr/sbin`.split(delimiter).map((d) => join(d, name))).some((p) => {
  try { accessSync(p, constants.X_OK); return true; } catch { return false; }
}));

const time = (args) => {
  const start = process.hrtime.bigint();
  let output;
  try { output = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'pipe'] }); } catch (err) { throw new Error(`relance failed:\n${String(err.stdout ?? '')}${String(err.stderr ?? '')}`.slice(-3000)); }
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, output };
};
const best = (args, runs) => Array.from({ length: runs }, () => time(args)).sort((a, b) => a.seconds - b.seconds)[0];
const manifest = () => JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));

try {
  const nodeStart = best(['-e', ''], 5).seconds;
  const validate = best([cli, 'validate', examples], 3).seconds;
  const preview = [cli, 'preview', examples, '--out', out, '--samples', '3'];
  const runs = Array.from({ length: 3 }, () => time([...preview, '--no-screenshots', '--no-spam-score']));
  const seconds = runs.map((r) => r.seconds).sort((a, b) => a - b);
  const median = seconds[1];
  const emails = manifest().scenarios.reduce((n, s) => n + s.emails.length, 0);
  console.log(runs[0].output.trim().split('\n').at(-1));
  console.log(`preview: ${emails} emails (HTML, text, .eml; 14 scenarios, 3 sample contacts each) in ${median.toFixed(3)} s wall, median of 3 (runs: ${seconds.map((s) => s.toFixed(3)).join(', ')}; target 3 s)`);
  console.log(`baseline: node start alone ${nodeStart.toFixed(3)} s; relance validate on the same files ${validate.toFixed(3)} s`);
  console.log(`per email beyond validation: ${(((median - validate) / emails) * 1000).toFixed(2)} ms`);

  let screenshotMs = null;
  if (onPath(process.env.RELANCE_CHROMIUM || '/usr/bin/chromium', 'chromium', 'chromium-browser')) {
    const run = time([...preview, '--no-spam-score']);
    const shots = manifest().screenshots;
    if (shots.taken) {
      screenshotMs = shots.msPerEmail;
      console.log(`screenshots: ${emails * 2} PNGs (${shots.widths.desktop} and ${shots.widths.mobile} px, full page) in ${run.seconds.toFixed(1)} s wall: ${shots.msPerEmail} ms per email (browser start included), ${(((run.seconds - median) / emails) * 1000).toFixed(0)} ms per email over the run without them`);
    } else {
      console.log(`screenshots: not taken (${shots.reason})`);
    }
  } else {
    console.log('screenshots: Chromium not installed (apt-get install chromium): skipped');
  }

  if (onPath('spamd', 'spamassassin')) {
    const run = time([...preview, '--no-screenshots']);
    const spam = manifest().spamScore;
    console.log(spam.taken
      ? `spam scores: ${emails} emails in ${run.seconds.toFixed(1)} s wall, ${(((run.seconds - median) / emails) * 1000).toFixed(0)} ms per email over the run without them (spamd start included); median ${spam.median}, highest ${spam.max}`
      : `spam scores: not computed (${spam.reason})`);
  } else {
    console.log('spam scores: SpamAssassin not installed: skipped');
  }

  console.log(JSON.stringify({ bench: 'preview', emails, seconds: Number(median.toFixed(3)), screenshot_ms_per_email: screenshotMs }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
