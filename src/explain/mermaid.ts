import type { StepGraph } from '../schema/compiled.js';
import { stepDefinition } from '../steps/index.js';

/** A Mermaid flowchart of the step graph, for pull-request comments and docs. */
export function mermaidDiagram(graph: StepGraph): string {
  const lines = ['flowchart TD'];
  const node = (id: string): string => `s_${id.replace(/-/g, '_')}`;
  let ends = 0;
  for (const id of graph.order) {
    const { step, edges } = graph.steps[id]!;
    const label = escape(`${id}: ${stepDefinition(step).summary(step as never)}`);
    const shape = step.type === 'condition' || step.type === 'branch' ? `{"${label}"}` : step.type === 'exit' ? `(["${label}"])` : `["${label}"]`;
    lines.push(`  ${node(id)}${shape}`);
    for (const e of edges) {
      const target = e.to ? node(e.to) : `end_${++ends}(["end"])`;
      lines.push(`  ${node(id)} -->${e.label === 'next' ? '' : `|${escape(e.label)}|`} ${target}`);
    }
  }
  return lines.join('\n');
}

function escape(s: string): string {
  return s.replace(/"/g, '#quot;').replace(/[{}|<>]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 120);
}
