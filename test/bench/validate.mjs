// Validates 1,000 scenario files with the real CLI (Node start included): each file is a copy of
// one of the examples with its own copy of its email templates, so nothing is shared or cached.
// Baseline, same run: starting Node alone, and the CLI on a single file.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FILES = Number(process.env.BENCH_FILES ?? 1000);
const root = new URL('../../', import.meta.url).pathname;
const examples = join(root, 'scenarios');
const cli = join(root, 'bin/relance.js');
const dir = mkdtempSync(join(tmpdir(), 'relance-bench-validate-'));

try {
  const sources = readdirSync(examples).filter((f) => f.endsWith('.yaml'));
  for (let i = 0; i < FILES; i++) {
    const file = sources[i % sources.length];
    const copy = `${file.replace(/\.yaml$/, '')}-${i}`;
    let text = readFileSync(join(examples, file), 'utf8').replace(/^(  name: )(.+)$/m, `$1${copy}`);
    // Each copy gets its own copy of every template folder it uses.
    const folders = new Set([...text.matchAll(/template: ([A-Za-z0-9_.-]+)\//g)].map((m) => m[1]));
    for (const folder of folders) {
      text = text.replaceAll(`template: ${folder}/`, `template: ${copy}-${folder}/`);
      cpSync(join(examples, folder), join(dir, `${copy}-${folder}`), { recursive: true });
    }
    writeFileSync(join(dir, `${copy}.yaml`), text);
  }

  const time = (args) => {
    const start = process.hrtime.bigint();
    let output = '';
    try { output = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 }); } catch (err) { output = String(err.stdout ?? '') + String(err.stderr ?? ''); throw new Error(`validation failed:\n${output.slice(-2000)}`); }
    return { seconds: Number(process.hrtime.bigint() - start) / 1e9, output };
  };
  const best = (args, runs) => Array.from({ length: runs }, () => time(args)).sort((a, b) => a.seconds - b.seconds)[0];

  const nodeStart = best(['-e', ''], 5).seconds;
  const oneFile = best([cli, 'validate', join(dir, readdirSync(dir).find((f) => f.endsWith('.yaml')))], 3).seconds;
  const runs = Array.from({ length: 3 }, () => time([cli, 'validate', dir]));
  const seconds = runs.map((r) => r.seconds).sort((a, b) => a - b);
  const median = seconds[1];
  console.log(runs[0].output.trim().split('\n').at(-1));
  console.log(`validate: ${FILES} files (each with its own templates) in ${median.toFixed(3)} s wall, median of 3 (runs: ${seconds.map((s) => s.toFixed(3)).join(', ')})`);
  console.log(`baseline: node start alone ${nodeStart.toFixed(3)} s; relance validate on 1 file ${oneFile.toFixed(3)} s`);
  console.log(`per file beyond start-up: ${(((median - oneFile) / (FILES - 1)) * 1000).toFixed(3)} ms`);
  console.log(JSON.stringify({ bench: 'validate', files: FILES, seconds: Number(median.toFixed(3)), baseline_node_start_seconds: Number(nodeStart.toFixed(3)), baseline_one_file_seconds: Number(oneFile.toFixed(3)) }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
