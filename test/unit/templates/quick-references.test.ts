import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/synthetic/random.js';
import { quickReferences } from '../../../src/templates/quick-references.js';
import { collectReferences } from '../../../src/templates/references.js';

const SCENARIOS = join(import.meta.dirname, '../../../scenarios');
const examples = readdirSync(SCENARIOS, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.hbs'))
  .map((f) => ({ file: f, text: readFileSync(join(SCENARIOS, f), 'utf8') }));

/** What Handlebars itself says: the references, or `undefined` when it refuses the template. */
function slow(text: string) {
  try {
    return collectReferences(Handlebars.parseWithoutProcessing(text));
  } catch {
    return undefined;
  }
}

describe('quickReferences', () => {
  it('reads every example template, with the same references and positions as Handlebars', () => {
    expect(examples.length).toBeGreaterThan(50);
    for (const { file, text } of examples) {
      expect(quickReferences(text), file).toEqual(slow(text));
    }
  });

  it('finds names, helpers, blocks, else branches and positions', () => {
    const text = 'Hi {{ firstName }},\n{{#if company}}at {{upper company "x" 3}}{{else}}{{vars.x}}{{/if}}\n{{#each items}}{{name}}{{else}}{{lastName}}{{/each}}';
    expect(quickReferences(text)).toEqual([
      { head: 'firstName', path: 'firstName', helper: false, line: 1, column: 7 },
      { head: 'if', path: 'if', helper: true, line: 2, column: 4 },
      { head: 'company', path: 'company', helper: false, line: 2, column: 7 },
      { head: 'upper', path: 'upper', helper: true, line: 2, column: 21 },
      { head: 'company', path: 'company', helper: false, line: 2, column: 27 },
      { head: 'vars', path: 'vars.x', helper: false, line: 2, column: 52 },
      { head: 'each', path: 'each', helper: true, line: 3, column: 4 },
      { head: 'items', path: 'items', helper: false, line: 3, column: 9 },
      { head: 'lastName', path: 'lastName', helper: false, line: 3, column: 34 },
    ]);
    expect(quickReferences(text)).toEqual(slow(text));
  });

  it.each([
    '{{{raw}}}', '{{! a comment }}', '{{!-- a comment --}}', '{{> partial}}', '\\{{escaped}}', '{{~x}}', '{{x~}}',
    '{{x a=b}}', '{{x (y z)}}', '{{@index}}', '{{../x}}', '{{this.x}}', '{{x/y}}', '{{^}}', '{{&x}}',
    '{{#if a}}', '{{/if}}', '{{#if a}}{{/each}}', '{{else}}', '{{#if a}}{{else}}{{else}}{{/if}}', '{{x', '{{}}', '{{ }}',
    '{{x "a\\"b"}}', "{{x 'y'}}", '{{x"y"}}', '{{true}}', '{{12}}', '{{a.true}}', '{{#each xs as |x|}}{{/each}}', '{{a..b}}', '{{a.}}',
    '{{#a.b}}{{/a.b}}', '{{#if a}}{{else-}}{{/if}}', '{{else if x}}', '{{#*inline "p"}}{{/inline}}', '{{{{raw}}}}{{{{/raw}}}}', '{{a\u00a0b}}',
  ])('leaves %j to Handlebars', (text) => {
    expect(quickReferences(text)).toBeUndefined();
  });

  it('never accepts what Handlebars refuses, nor reads it differently (20,000 mutated templates)', () => {
    // Seeded, so a failure names a case that can be replayed.
    const next = seededRandom(20261122);
    const alphabet = '{{}}#/~!^&>"\' .=()@\\|*-09elsifachwt\n';
    let accepted = 0;
    let refused = 0;
    for (let n = 0; n < 20_000; n++) {
      let text = examples[Math.floor(next() * examples.length)]!.text;
      const edits = 1 + Math.floor(next() * 3);
      for (let e = 0; e < edits; e++) {
        // Edit near a mustache, where the grammar is, most of the time.
        const opens = [...text.matchAll(/\{\{|\}\}/g)].map((m) => m.index);
        const at = opens.length > 0 && next() < 0.8
          ? Math.min(text.length, Math.max(0, opens[Math.floor(next() * opens.length)]! + Math.floor(next() * 7) - 3))
          : Math.floor(next() * (text.length + 1));
        const kind = next();
        if (kind < 0.5) text = text.slice(0, at) + alphabet[Math.floor(next() * alphabet.length)] + text.slice(at);
        else if (kind < 0.8) text = text.slice(0, at) + text.slice(at + 1 + Math.floor(next() * 3));
        else text = text.slice(0, at) + text.slice(at, at + 12) + text.slice(at);
      }
      const quick = quickReferences(text);
      if (quick === undefined) { refused++; continue; }
      accepted++;
      expect(quick, `case ${n}: ${JSON.stringify(text)}`).toEqual(slow(text));
    }
    // Both sides of the subset are exercised.
    expect(accepted).toBeGreaterThan(2_000);
    expect(refused).toBeGreaterThan(2_000);
  });
});
