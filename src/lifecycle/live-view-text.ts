import type { StepGraph } from '../schema/compiled.js';
import { mermaidDiagram } from '../explain/mermaid.js';
import type { LiveView, StepHold } from './live-view.js';

const WHY: Record<StepHold['why'], string> = {
  delay: 'waiting on a delay',
  condition: 'waiting on a condition',
  quota: 'deferred by a quota',
  cap: 'blocked by the cap (maxActive)',
  task: 'on a task not done yet',
  paused: 'paused',
  due: 'due now, being worked on',
  error: 'in error',
};

/** The live view as a terminal shows it: one line per step, with why contacts are held there. */
export function liveViewText(view: LiveView, zone = 'UTC'): string {
  const s = view.status;
  const when = (iso: string): string => new Date(iso).toLocaleString('sv-SE', { timeZone: zone, dateStyle: 'short', timeStyle: 'short' });
  const pct = (n: number | undefined): string => (n === undefined ? '' : `${n.toFixed(1)}%`);
  const head = `${s.name}  ${s.colour}  ${s.display}  version ${s.version}  revision ${s.revision.slice(0, 12) || '-'}  in progress ${s.inProgress}  (at ${when(view.at)} ${zone})`;
  const rows = [['STEP', 'TYPE', 'NOW', 'THROUGH', 'RECEIVED', 'OPENED', 'CLICKED', 'REPLIED', 'BOUNCED', 'WHY THEY ARE THERE']];
  for (const step of view.steps) {
    const why = step.holds.map((h) => `${h.count} ${WHY[h.why]}${h.until ? (h.from === h.until ? ` until ${when(h.until)}` : ` until ${when(h.from!)} … ${when(h.until)}`) : ''}`).join('; ');
    rows.push([step.step, step.type, String(step.now), String(step.through), step.received === undefined ? '' : String(step.received),
      pct(step.rates?.opened), pct(step.rates?.clicked), pct(step.rates?.replied), pct(step.rates?.bounced), why]);
  }
  const lines = [head, '', columns(rows)];
  const outcomes = Object.entries(s.outcomes).map(([k, v]) => `${k} ${v}`).join(', ');
  if (outcomes) lines.push('', `finished runs: ${outcomes}`);
  if (view.errors.length) lines.push('', `${s.errors.count} in error:`, ...view.errors.map((e) => `  ${e.count} × ${e.reason}`));
  return lines.join('\n') + '\n';
}

/** The step graph with the live counts on its nodes and edges (GitHub renders it). */
export function liveViewMermaid(view: LiveView, graph: StepGraph): string {
  return mermaidDiagram(graph, new Map(view.steps.map((s) => [s.step, { now: s.now, through: s.through }])));
}

function columns(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows.map((r) => r.map((cell, i) => (i >= 2 && i <= 8 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}
