import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../../src/load/load-scenario.js';
import { parseYaml } from '../../../src/load/parse-yaml.js';
import { MINIMAL } from '../../helpers/scenario-text.js';

const codes = (text: string) => parseYaml(text, 'x.yaml').diagnostics.map((d) => d.code);

describe('parseYaml on hostile input', () => {
  it('refuses an alias bomb (billion laughs) quickly, as a diagnostic', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 0; i < 9; i++) {
      const prev = String.fromCharCode(97 + i);
      const next = String.fromCharCode(98 + i);
      lines.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const result = parseYaml(lines.join('\n'), 'bomb.yaml');
    expect(result.value).toBeUndefined();
    expect(result.diagnostics[0]).toMatchObject({ code: 'yaml-alias', line: 1 });
  });

  it('refuses 10,000 nested brackets without crashing', () => {
    const text = `spec: ${'['.repeat(10_000)}${']'.repeat(10_000)}`;
    const result = parseYaml(text, 'deep.yaml');
    expect(result.value).toBeUndefined();
    expect(result.diagnostics.length).toBeGreaterThan(0);
    expect(['yaml-syntax', 'too-deep']).toContain(result.diagnostics[0]!.code);
  });

  it('refuses nesting deeper than 64 levels where it starts, before composing it', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `${'  '.repeat(i)}k${i}:`);
    const result = parseYaml(lines.join('\n') + ' 1\n', 'deep-map.yaml');
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: 'too-deep', line: 65, column: 129 })]);
    expect(parseYaml(`a:\n  b: ${'['.repeat(70)}${']'.repeat(70)}\n`, 'deep-flow.yaml').diagnostics)
      .toEqual([expect.objectContaining({ code: 'too-deep', line: 2, column: 6 + 62 })]);
  });

  it.each([
    ['block maps', Array.from({ length: 10_000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n'],
    ['block sequences', `${'- '.repeat(10_000)}x\n`],
    ['flow maps', `a: ${'{b: '.repeat(10_000)}1${'}'.repeat(10_000)}\n`],
    ['flow maps in sequences', `a: ${'[{b: '.repeat(5_000)}1${'}]'.repeat(5_000)}\n`],
  ])('refuses 10,000 nested %s as too deep, without recursing into them', (_what, text) => {
    expect(codes(text)).toEqual(['too-deep']);
  });

  it('refuses 10,000 unclosed brackets', () => {
    expect(codes(`a: ${'['.repeat(10_000)}`).length).toBeGreaterThan(0);
  });

  it('reports a duplicate key at its line', () => {
    const result = parseYaml('apiVersion: relance/v1\nkind: Scenario\nkind: Scenario\n', 'dup.yaml');
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: 'duplicate-key', line: 3, column: 1 })]);
  });

  it('refuses custom tags instead of turning them into strings', () => {
    const result = parseYaml('a: !!js/function "function(){ return 1 }"\nb: !include other.yaml\n', 'tags.yaml');
    expect(result.diagnostics.map((d) => [d.code, d.line])).toEqual([['yaml-tag', 1], ['yaml-tag', 2]]);
  });

  it('refuses a second document in the same file', () => {
    expect(codes('a: 1\n---\nb: 2\n')).toEqual(['multiple-documents']);
  });

  it('refuses an empty file', () => {
    expect(codes('')).toEqual(['empty-file']);
    expect(codes('# only a comment\n')).toEqual(['empty-file']);
  });

  it('keeps __proto__ as a plain key: no prototype pollution, and the schema refuses it', () => {
    const text = MINIMAL.replace('metadata:\n', 'metadata:\n  __proto__: { polluted: true }\n');
    const loaded = loadScenarioText(text, 'proto.yaml');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(loaded.scenario).toBeUndefined();
    expect(loaded.diagnostics).toEqual([expect.objectContaining({ code: 'schema', line: 4, message: expect.stringContaining('"__proto__" is not a known property') })]);
  });

  it('refuses __proto__ and constructor as keys of free-form maps', () => {
    const text = MINIMAL.replace('spec:\n', 'spec:\n  variables:\n    __proto__: x\n    constructor: y\n');
    const loaded = loadScenarioText(text, 'proto.yaml');
    expect(loaded.diagnostics.map((d) => d.line).sort()).toEqual([7, 8]);
  });
});
