import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, Parser } from 'yaml';
import { seededRandom } from '../../../src/synthetic/random.js';
import { composePlain as composeTokens, YAML_OPTIONS } from '../../../src/load/compose-plain.js';

const composePlain = (text: string, maxDepth: number) => composeTokens(Array.from(new Parser().parse(text)), maxDepth);

const SCENARIOS = join(import.meta.dirname, '../../../scenarios');
const examples = readdirSync(SCENARIOS).filter((f) => f.endsWith('.yaml')).map((f) => ({ file: f, text: readFileSync(join(SCENARIOS, f), 'utf8') }));

/** What yaml's own composer makes of the text: the value, or `undefined` when it reports anything. */
function slow(text: string): { value: unknown } | undefined {
  const docs = parseAllDocuments(text, YAML_OPTIONS);
  if (!Array.isArray(docs) || docs.length !== 1) return undefined;
  const doc = docs[0]!;
  if (doc.errors.length > 0 || doc.warnings.length > 0) return undefined;
  return { value: doc.toJS() };
}

/** Same values, and the same key order (steps are listed in the order they are written). */
function same(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b) && JSON.stringify(a) === JSON.stringify(b);
}

describe('composePlain', () => {
  it('composes every example scenario to the value yaml gives', () => {
    expect(examples.length).toBeGreaterThan(10);
    for (const { file, text } of examples) {
      const fast = composePlain(text, 64);
      expect(fast, file).toBeDefined();
      expect(same(fast!.value, slow(text)!.value), file).toBe(true);
    }
  });

  it('reads scalars with yaml\'s own core schema', () => {
    const text = [
      'a: true', 'b: ~', 'c: 0x1f', 'd: 0o17', 'e: 1.50', 'f: -.inf', 'g: 1e3', 'h: "007"', "i: 'it''s'", 'j: 007', 'k: null',
      'l:', 'm: [1, "two", three, ]', 'n: { x: 1, y: }', 'o: >-\n  folded\n  text\n', 'p: |\n  kept\n', 'q: plain\n  over two lines',
      'r:\n  - 1\n  -\n  - - nested', 's: "esc\\u00e9\\n"', 'constructor: 1', 'toString: 2', '"quoted key": 3', 't: a#b # comment',
    ].join('\n');
    const fast = composePlain(text, 64);
    expect(fast).toBeDefined();
    expect(same(fast!.value, slow(text)!.value)).toBe(true);
    expect(fast!.value).toMatchObject({ a: true, b: null, c: 31, d: 15, e: 1.5, f: -Infinity, h: '007', i: "it's", j: 7, l: null, m: [1, 'two', 'three'], n: { x: 1, y: null }, t: 'a#b' });
  });

  it.each([
    ['a key of 1,000 characters', `${'k'.repeat(1000)}: 1\n`],
    ['an empty value followed by a long comment', `a:\n#${'c'.repeat(2000)}\nb: 1\n`],
    ['an empty value followed by many blank lines', `x:\n  a:\n${'\n'.repeat(2000)}  b: 1\n`],
    ['flow collections over several lines', 'a: {\n  x: 1,\n  y: [1,\n 2]\n}\n'],
    ['comments around sequence items', 'a:\n  # c\n  - 1\n  # d\n  - 2\n# e\nb: 1\n'],
    ['a trailing comment deeper than the map', 'a:\n  b: 1\n    # trailing\nc: 2\n'],
    ['empty values with comments', 'a: # c\n  # d\nb: {x: }\nc:\n  -\n'],
    ['a plain scalar over lines in a flow sequence', 'a: [one\n  two, three]\n'],
    ['CRLF line ends', 'a: 1\r\nb:\r\n  - x\r\n'],
    ['block scalars with indicators', 'a: |+\n  x\n\nb: |2\n   y\nc: >-\n  z\n'],
    ['maps inside sequences', 'a:\n  - x: 1\n    y: 2\n  - z\n'],
    ['a JSON-style flow map', 'a: {"b":1, \'c\': [[1], {d: 2}]}\n'],
    ['a non-breaking space', 'a: \u00a0b\n'],
  ])('composes %s as yaml does', (_what, text) => {
    const fast = composePlain(text, 64);
    expect(fast).toBeDefined();
    expect(same(fast!.value, slow(text)!.value)).toBe(true);
  });

  it.each([
    ['a key of over 1,024 characters', `${'k'.repeat(1030)}: 1\n`],
    ['a map on the same line as its key', 'a: b: c\n'],
    ['a misaligned key in a sequence item', 'a:\n  - x: 1\n   y: 2\n'],
    ['a misindented block scalar', 'a: |\n  x\n y\n'],
    ['a comment glued to a flow collection', 'a: [1]# c\n'],
    ['a comment glued to a quoted value', 'a: "b"#c\n'],
    ['a tab after a colon', 'a:\tb\n'],
    ['a document end marker', 'a: 1\n...\n'],
    ['an anchor', 'a: &x 1\nb: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a custom tag', 'a: !include x.yaml\n'],
    ['a document marker', '---\na: 1\n'],
    ['a second document', 'a: 1\n---\nb: 2\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['an explicit key', '? a\n: 1\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a number as key', '1: a\n'],
    ['a __proto__ key', '__proto__: { polluted: true }\n'],
    ['a flow pair in a sequence', 'a: [b: c]\n'],
    ['a flow map key without value', 'a: { b, c }\n'],
    ['a tab before a key', 'a:\n\tb: 1\n'],
    ['a root that is not a map', '- a\n- b\n'],
    ['a comment glued to a value', 'a: [b,#c\n  ]\n'],
    ['a misindented key', 'a:\n    b: 1\n  c: 2\n'],
    ['an unclosed flow sequence', 'a: [1, 2\n'],
    ['an unclosed quote', 'a: "b\n'],
    ['a multi-line key', '"a\n b": 1\n'],
    ['a key without value', 'a: 1\nb\n'],
    ['deep brackets', `a: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`],
    ['nesting deeper than allowed', `a: ${'['.repeat(64)}${']'.repeat(64)}\n`],
  ])('leaves %s to yaml', (_what, text) => {
    expect(composePlain(text, 64)).toBeUndefined();
  });

  it('never accepts what yaml refuses, nor reads it differently (mutated scenario excerpts)', () => {
    // Seeded, so a failure names a case that can be replayed; RELANCE_FUZZ_CASES and
    // RELANCE_FUZZ_SEED run more of them.
    const cases = Number(process.env.RELANCE_FUZZ_CASES ?? 10_000);
    const next = seededRandom(Number(process.env.RELANCE_FUZZ_SEED ?? 20261122));
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
    const lines = examples.map((e) => e.text.split('\n'));
    const alphabet = [' ', ' ', '  ', '\t', '\n', ':', ': ', '-', '- ', '#', ' #', '[', ']', '{', '}', ',', '"', "'", '&a ', '*a', '!', '?', '|', '>', '%', '@', '`', 'x', '0', '~', '\\', '---', '...', 'a: b', '\r\n', '\u00a0'];
    let accepted = 0;
    let refused = 0;
    for (let n = 0; n < cases; n++) {
      // An excerpt of 1 to 40 lines keeps each case small; it starts with a root key most of the time.
      const source = pick(lines);
      const roots = source.flatMap((l, i) => (/^[a-z]/.test(l) ? [i] : []));
      const from = next() < 0.8 && roots.length > 0 ? pick(roots) : Math.floor(next() * source.length);
      const excerpt = source.slice(from, from + 1 + Math.floor(next() * 40));
      const edits = Math.floor(next() * 4);
      for (let e = 0; e < edits; e++) {
        const line = Math.floor(next() * excerpt.length);
        const text = excerpt[line] ?? '';
        const at = Math.floor(next() * (text.length + 1));
        const kind = next();
        if (kind < 0.35) excerpt[line] = text.slice(0, at) + pick(alphabet) + text.slice(at);
        else if (kind < 0.55) excerpt[line] = text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 3));
        else if (kind < 0.7) excerpt[line] = next() < 0.5 ? ' '.repeat(1 + Math.floor(next() * 4)) + text : text.replace(/^ {1,4}/, '');
        else if (kind < 0.8) excerpt.splice(line, 0, text);
        else if (kind < 0.9) excerpt.splice(line, 1);
        else excerpt.splice(line, 0, pick(pick(lines)));
      }
      const text = excerpt.join('\n');
      const fast = composePlain(text, 64);
      if (fast === undefined) { refused++; continue; }
      accepted++;
      const reference = slow(text);
      expect(reference, `case ${n}: yaml refuses what composePlain accepted: ${JSON.stringify(text)}`).toBeDefined();
      expect(same(fast.value, reference!.value), `case ${n}: ${JSON.stringify(text)}`).toBe(true);
    }
    if (process.env.RELANCE_FUZZ_CASES) console.log({ accepted, refused });
    // Both sides of the subset are exercised.
    expect(accepted).toBeGreaterThan(cases / 10);
    expect(refused).toBeGreaterThan(cases / 10);
  });
});
