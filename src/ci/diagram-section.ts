import { mermaidDiagram } from '../explain/mermaid.js';
import type { CommentInput } from './comment-input.js';
import { code, type Section } from './markdown.js';

/**
 * The step graph of each created or updated scenario, as GitHub renders Mermaid, with the steps
 * this pull request adds (green) or changes (yellow) highlighted. One section each, so a long
 * comment is cut between diagrams.
 */
export function diagramSections(input: CommentInput): Section[] {
  const out: Section[] = [];
  for (const c of input.plan.plan?.changes ?? []) {
    if (!c.actions.includes('create') && !c.actions.includes('update')) continue;
    const graph = c.desired?.graph ?? input.graphs.get(c.name);
    if (!graph) continue;
    const highlight = new Map<string, 'added' | 'changed'>();
    for (const s of c.steps) if (s.change !== 'removed') highlight.set(s.id, s.change);
    const removed = c.steps.filter((s) => s.change === 'removed').map((s) => code(s.id));
    const legend = c.actions.includes('create')
      ? 'New scenario: every step is new.'
      : highlight.size ? '🟩 added step · 🟨 changed step.' : 'No step changed (only the settings listed in the plan).';
    out.push({
      title: `Diagram: ${c.name}`,
      body: ['```mermaid', mermaidDiagram(graph, undefined, { highlight }), '```', '', legend, removed.length ? `Removed: ${removed.join(', ')}.` : ''].join('\n'),
    });
  }
  return out;
}
