import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validatePaths } from '../../src/validate/validate.js';

// Every example is corrupted in several ways, one line at a time; each corruption must produce
// an error at exactly that line and at the column where the bad token starts.
const examples = readdirSync('scenarios').filter((f) => f.endsWith('.yaml')).sort();
const copy = mkdtempSync(join(tmpdir(), 'relance-corrupt-'));
cpSync('scenarios', copy, { recursive: true });
afterAll(() => rmSync(copy, { recursive: true, force: true }));

interface Corruption {
  name: string;
  /** Matches the line to corrupt; group 1 is what stands before the token to replace. */
  pattern: RegExp;
  replacement: string;
  /** `key`: the token is a property name, and the rest of the line is kept. */
  at?: 'token' | 'key';
}

const corruptions: Corruption[] = [
  { name: 'unknown step type', pattern: /^(\s*(?:- )?type: )(email|wait|condition|exit)\s*$/, replacement: 'sned' },
  { name: 'bad duration', pattern: /^(\s*(?:for|delay|timeout): )(.+)$/, replacement: 'three days' },
  { name: 'unknown step target', pattern: /^(\s*(?:next|then|else|onTimeout): )([a-z0-9-]+)\s*$/, replacement: 'no-such-step' },
  { name: 'missing template file', pattern: /^(\s*template: )([A-Za-z0-9_.-]+\/[A-Za-z0-9_./-]+)\s*$/, replacement: 'nowhere/missing' },
  { name: 'invalid sender address', pattern: /^(\s*email: )(\S+@\S+)\s*$/, replacement: 'not-an-address' },
  { name: 'misspelt property', pattern: /^(\s*)(subject): /, replacement: 'subjet', at: 'key' },
  { name: 'bad time zone', pattern: /^(\s*timezone: )(.+)$/, replacement: 'Mars/Olympus_Mons' },
];

describe.each(examples)('a corrupted copy of %s', (file) => {
  const lines = readFileSync(join('scenarios', file), 'utf8').split('\n');
  for (const c of corruptions) {
    const index = lines.findIndex((l) => c.pattern.test(l));
    if (index === -1) continue;
    it(`${c.name} (line ${index + 1})`, async () => {
      const match = c.pattern.exec(lines[index]!)!;
      const before = match[1]!;
      const corrupted = [...lines];
      const token = match[2]!;
      corrupted[index] = before + c.replacement + (c.at === 'key' ? lines[index]!.slice(before.length + token.length) : '');
      const target = join(copy, `corrupt-${file}`);
      writeFileSync(target, corrupted.join('\n'));
      try {
        const result = await validatePaths([target]);
        const here = result.errors.filter((e) => e.file === target && e.line === index + 1);
        expect(here, JSON.stringify(result.errors, null, 1)).not.toHaveLength(0);
        expect(here.map((e) => e.column)).toContain(before.length + 1);
      } finally {
        rmSync(target, { force: true });
      }
    });
  }
});
