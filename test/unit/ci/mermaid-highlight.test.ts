import { describe, expect, it } from 'vitest';
import { mermaidDiagram } from '../../../src/explain/mermaid.js';
import { validatePaths } from '../../../src/validate/validate.js';

describe('mermaidDiagram highlight', () => {
  it('adds classDef and class lines for highlighted steps only, and leaves the output as before without them', async () => {
    const { scenarios } = await validatePaths(['scenarios/quick.yaml']);
    const graph = scenarios[0]!.graph;
    const plain = mermaidDiagram(graph);
    expect(mermaidDiagram(graph, undefined, {})).toBe(plain);
    expect(mermaidDiagram(graph, undefined, { highlight: new Map() })).toBe(plain);
    expect(plain).not.toContain('classDef');
    const [first, second] = graph.order;
    const lit = mermaidDiagram(graph, undefined, { highlight: new Map([[first!, 'changed'], [second!, 'added'], ['not-a-step', 'added']]) });
    const node = (id: string) => `s_${id.replace(/-/g, '_')}`;
    expect(lit.startsWith(plain)).toBe(true);
    expect(lit.slice(plain.length).split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^ {2}classDef added fill:/),
      `  class ${node(second!)} added`,
      expect.stringMatching(/^ {2}classDef changed fill:/),
      `  class ${node(first!)} changed`,
    ]);
  });
});
