import { describe, expect, it } from 'vitest';
import { loadScenarioText } from '../../../src/load/load-scenario.js';
import { MINIMAL } from '../../helpers/scenario-text.js';

/** Replaces the first occurrence of `from` in the minimal scenario and returns the diagnostics. */
function corrupt(from: string, to: string) {
  if (!MINIMAL.includes(from)) throw new Error(`fixture does not contain ${from}`);
  return loadScenarioText(MINIMAL.replace(from, to), 'scenarios/x.yaml').diagnostics;
}

describe('schema errors', () => {
  it('the fixture itself is valid', () => {
    expect(loadScenarioText(MINIMAL, 'x.yaml').diagnostics).toEqual([]);
  });

  it('points an unknown property at its key, with a suggestion', () => {
    expect(corrupt('      for: 2 days', '      for: 2 days\n      fro: 3 days')).toEqual([
      expect.objectContaining({ line: 14, column: 7, message: expect.stringContaining('"fro" is not a known property here — did you mean "for"?') }),
    ]);
  });

  it('explains a bad duration with the schema description', () => {
    const [d] = corrupt('for: 2 days', 'for: 2 dayz');
    expect(d).toMatchObject({ line: 13, column: 12 });
    expect(d!.message).toMatch(/"2 dayz" is not valid here\. A duration/);
  });

  it('names an unknown step type with a suggestion', () => {
    expect(corrupt('type: wait', 'type: wiat')).toEqual([
      expect.objectContaining({ line: 12, column: 13, message: expect.stringContaining('"wiat" is not a step type — did you mean "wait"?') }),
    ]);
  });

  it('collapses oneOf noise to the branch that was meant', () => {
    const diagnostics = corrupt('if: { field: country, in: [FR, BE] }', 'if: { field: country, inn: [FR, BE] }');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ line: 16, column: 29, message: expect.stringContaining('"inn" is not a known property here — did you mean "in"?') });
  });

  it('collapses oneOf noise for engagement conditions', () => {
    const diagnostics = corrupt('if: { field: country, in: [FR, BE] }', 'if: { opened: Welcome }');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.message).toMatch(/"Welcome" is not valid here/);
  });

  it('says which property is missing, on the object that lacks it', () => {
    expect(corrupt('      outcome: end\n', '      outcome: end\n    - type: email\n      id: hello\n      subject: Hi\n')).toEqual([
      expect.objectContaining({ line: 22, column: 7, message: '"template" is required here (email step "hello")' }),
    ]);
  });

  it('reports wrong types in words', () => {
    expect(corrupt('lists: [newsletter]', 'lists: newsletter')[0]).toMatchObject({ line: 7, message: 'expected a list, found "newsletter" (text)' });
  });

  it('checks apiVersion and email formats', () => {
    expect(corrupt('relance/v1', 'relance/v2')[0]!.message).toBe('must be "relance/v1", not "relance/v2"');
    expect(corrupt('hello@acme.test', 'hello-at-acme')[0]).toMatchObject({ line: 9, message: '"hello-at-acme" is not an email address' });
  });

  it('suggests the right exitOn event', () => {
    const [d] = corrupt('spec:\n', 'spec:\n  exitOn: [replied]\n');
    expect(d).toMatchObject({ line: 6, message: expect.stringContaining('did you mean "reply"?') });
  });
});
