import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../src/synthetic/random.js';
import { parseYaml } from '../../src/load/parse-yaml.js';
import { scenarioSchema } from '../../src/schema/scenario-schema.js';

const ROOT = join(import.meta.dirname, '../..');
const STANDALONE = join(ROOT, 'dist/schema/validate-scenario.cjs');
const examples = readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml'))
  .map((f) => parseYaml(readFileSync(join(ROOT, 'scenarios', f), 'utf8'), f).value);

describe('the validator precompiled at build time', () => {
  it('gives the verdict of the full schema on examples and 5,000 damaged copies', () => {
    // `npm test` builds first; the CLI uses this file whenever it exists.
    expect(existsSync(STANDALONE), 'run `npm run build` first').toBe(true);
    const standalone = createRequire(import.meta.url)(STANDALONE) as (data: unknown) => boolean;
    const { validate } = scenarioSchema();
    const next = seededRandom(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    const replacements = [undefined, null, 42, -1, 'x', '', true, [], {}, ['x'], { x: 1 }, '3 days', 'every monday'];
    let valid = 0;
    let invalid = 0;
    for (const example of examples) expect(standalone(example)).toBe(true);
    for (let n = 0; n < 5_000; n++) {
      const copy = structuredClone(pick(examples)) as Record<string, unknown>;
      // Walk down a random path, then replace, remove or add something there.
      let node: Record<string, unknown> = copy;
      for (let depth = Math.floor(next() * 7); depth > 0; depth--) {
        const children = Object.keys(node).filter((k) => node[k] !== null && typeof node[k] === 'object');
        if (children.length === 0) break;
        node = node[pick(children)] as Record<string, unknown>;
      }
      const keys = Object.keys(node);
      const replacement = pick(replacements);
      if (keys.length === 0 || next() < 0.15) node[Array.isArray(node) ? String(keys.length) : 'unexpected'] = replacement ?? 1;
      else if (replacement === undefined && !Array.isArray(node)) delete node[pick(keys)];
      else node[pick(keys)] = replacement ?? null;
      const verdict = validate(copy);
      if (verdict) valid++;
      else invalid++;
      expect(standalone(copy), `case ${n}: ${JSON.stringify(copy).slice(0, 300)}`).toBe(verdict);
    }
    // Both verdicts occur.
    expect(valid).toBeGreaterThan(250);
    expect(invalid).toBeGreaterThan(250);
  });
});
