import type { StepGraph } from '../schema/compiled.js';
import { stepDefinition } from '../steps/index.js';

/** Contacts at a step now and contacts who went through it (the live view's numbers). */
export interface NodeCounts {
  now: number;
  through: number;
}

/** Steps to colour, by how a change touched them (a pull request's added and changed steps). */
export type Highlight = ReadonlyMap<string, 'added' | 'changed'>;

/** Classes for highlighted steps: GitHub's diff green for added, its attention yellow for changed. */
const HIGHLIGHT_CLASSES = {
  added: 'fill:#dafbe1,stroke:#1a7f37,stroke-width:3px,color:#000',
  changed: 'fill:#fff8c5,stroke:#9a6700,stroke-width:3px,color:#000',
};

/**
 * A Mermaid flowchart of the step graph, for pull-request comments and docs. With `counts`, each
 * node shows who is there now and who went through, and each edge into a step that has no other
 * way in shows how many took it: those there now and those gone on (a step several edges lead
 * to is counted on its node only). With `options.highlight`, those steps get the `added` or
 * `changed` class; without it the output is as before.
 */
export function mermaidDiagram(graph: StepGraph, counts?: ReadonlyMap<string, NodeCounts>, options: { highlight?: Highlight } = {}): string {
  const lines = ['flowchart TD'];
  const node = (id: string): string => `s_${id.replace(/-/g, '_')}`;
  const incoming = new Map<string, number>();
  for (const id of graph.order) for (const e of graph.steps[id]!.edges) if (e.to) incoming.set(e.to, (incoming.get(e.to) ?? 0) + 1);
  let ends = 0;
  for (const id of graph.order) {
    const { step, edges } = graph.steps[id]!;
    const c = counts?.get(id);
    const label = escape(`${id}: ${stepDefinition(step).summary(step as never)}`) + (c ? `<br/>${c.now} now · ${c.through} through` : '');
    const shape = step.type === 'condition' || step.type === 'branch' ? `{"${label}"}` : step.type === 'exit' ? `(["${label}"])` : `["${label}"]`;
    lines.push(`  ${node(id)}${shape}`);
    for (const e of edges) {
      const target = e.to ? node(e.to) : `end_${++ends}(["end"])`;
      const into = e.to && incoming.get(e.to) === 1 ? counts?.get(e.to) : undefined;
      const taken = into ? into.now + into.through : undefined; // who entered the step: there now, or gone on
      const text = [e.label === 'next' ? '' : escape(e.label), taken === undefined ? '' : String(taken)].filter(Boolean).join(' · ');
      lines.push(`  ${node(id)} -->${text ? `|${text}|` : ''} ${target}`);
    }
  }
  lines.push(...highlightLines(graph, options.highlight, node));
  return lines.join('\n');
}

function highlightLines(graph: StepGraph, highlight: Highlight | undefined, node: (id: string) => string): string[] {
  const lines: string[] = [];
  for (const kind of ['added', 'changed'] as const) {
    const ids = graph.order.filter((id) => highlight?.get(id) === kind);
    if (ids.length) lines.push(`  classDef ${kind} ${HIGHLIGHT_CLASSES[kind]}`, `  class ${ids.map(node).join(',')} ${kind}`);
  }
  return lines;
}

/** Mermaid's entity codes keep a label's `{{firstName}}` or `<b>` as written, without breaking its syntax. */
const ENTITIES: Record<string, string> = { '#': '#35;', '"': '#quot;', '{': '#123;', '}': '#125;', '|': '#124;', '<': '#lt;', '>': '#gt;' };

function escape(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 120).replace(/[#"{}|<>]/g, (c) => ENTITIES[c]!);
}
