import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The worker-thread path only exists in the build (dist/): run the real CLI on enough files to
// take it, with a few broken ones, and compare with the single-threaded result.
const dir = mkdtempSync(join(tmpdir(), 'relance-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('validate on several threads', () => {
  it('reports exactly what one thread reports', () => {
    const examples = readdirSync('scenarios').filter((f) => f.endsWith('.yaml'));
    cpSync('scenarios', dir, { recursive: true });
    for (let i = 0; i < 80; i++) {
      const file = examples[i % examples.length]!;
      // Two copies claim the name of a third: found across threads as on one.
      const name = i % 40 === 13 ? 'copy-1' : `copy-${i}`;
      let text = readFileSync(join('scenarios', file), 'utf8').replace(/^(  name: )(.+)$/m, `$1${name}`);
      if (i % 20 === 7) text = text.replace('apiVersion: relance/v1', 'apiVersion: relance/v9');
      writeFileSync(join(dir, `copy-${i}.yaml`), text);
    }
    const run = (jobs: string) => {
      try {
        return execFileSync(process.execPath, ['bin/relance.js', 'validate', dir, '--format', 'json', '--jobs', jobs], { encoding: 'utf8' });
      } catch (err) {
        return String((err as { stdout: string }).stdout);
      }
    };
    const parallel = JSON.parse(run('2'));
    const single = JSON.parse(run('1'));
    expect(parallel.files).toBe(94);
    expect(parallel.errors.map((e: { code: string }) => e.code).sort()).toEqual(['duplicate-name', 'duplicate-name', 'schema', 'schema', 'schema', 'schema']);
    expect(parallel).toEqual(single);
  });
});
