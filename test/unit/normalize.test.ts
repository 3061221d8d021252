import { describe, expect, it } from 'vitest';
import { compileScenario } from '../../src/compile/compile-scenario.js';
import { canonicalJson, versionDigest, withDefaults } from '../../src/compile/normalize.js';
import { loadScenarioText } from '../../src/load/load-scenario.js';
import { MINIMAL } from '../helpers/scenario-text.js';

function digestOf(text: string): string {
  const { scenario, diagnostics } = loadScenarioText(text, 'x.yaml');
  if (!scenario) throw new Error(JSON.stringify(diagnostics));
  const normal = withDefaults(scenario);
  return versionDigest(normal, compileScenario(normal)!);
}

describe('normalisation and digests', () => {
  it('fills defaults, including inside steps', () => {
    const { scenario } = loadScenarioText(MINIMAL, 'x.yaml');
    const normal = withDefaults(scenario!);
    expect(normal.spec.exitOn).toEqual(['reply', 'unsubscribe', 'bounce']);
    expect(normal.spec.entry.runIndefinitely).toBe(false);
    expect(normal.spec.steps![2]).toMatchObject({ type: 'exit', outcome: 'end' });
    expect(scenario!.spec.exitOn).toBeUndefined(); // the input is left alone
  });

  it('gives the same digest whatever the key order and explicit defaults', () => {
    const reordered = MINIMAL.replace('  entry:\n    lists: [newsletter]\n  sender:\n    email: hello@acme.test\n', '  sender:\n    email: hello@acme.test\n  entry:\n    runIndefinitely: false\n    lists: [newsletter]\n  exitOn: [reply, unsubscribe, bounce]\n');
    expect(reordered).not.toBe(MINIMAL);
    expect(digestOf(reordered)).toBe(digestOf(MINIMAL));
  });

  it('ignores suspend, but not a changed delay', () => {
    expect(digestOf(MINIMAL.replace('spec:\n', 'spec:\n  suspend: true\n'))).toBe(digestOf(MINIMAL));
    expect(digestOf(MINIMAL.replace('for: 2 days', 'for: 3 days'))).not.toBe(digestOf(MINIMAL));
  });

  it('writes canonical JSON with sorted keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
  });
});
