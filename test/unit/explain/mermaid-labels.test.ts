import { describe, expect, it } from 'vitest';
import { mermaidDiagram } from '../../../src/explain/mermaid.js';
import { validatePaths } from '../../../src/validate/validate.js';

describe('mermaidDiagram labels', () => {
  it('keeps Handlebars, quotes and markup as written, in entity codes Mermaid reads back', async () => {
    const { scenarios } = await validatePaths(['scenarios/standard.yaml']);
    const diagram = mermaidDiagram(scenarios[0]!.graph);
    const initial = diagram.split('\n').find((l) => l.startsWith('  s_initial['))!;
    // The subject is `{{default firstName "Hi"}}, a free {{vars.auditLength}} audit…`.
    expect(initial).toContain('#123;#123;default firstName #quot;Hi#quot;#125;#125;');
    expect(initial).toContain('#123;#123;vars.auditLength#125;#125;');
    // Inside a label only the closing `"]` may end it: no raw quote, brace, pipe or angle bracket.
    const label = initial.slice(initial.indexOf('["') + 2, initial.lastIndexOf('"]'));
    expect(label).not.toMatch(/["{}|<>]/);
  });
});
