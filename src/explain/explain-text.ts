import type { StepGraph } from '../schema/compiled.js';
import { describeCondition } from '../conditions/describe.js';
import type { Scenario } from '../schema/scenario.gen.js';
import { stepDefinition } from '../steps/index.js';

/** A scenario in plain words: what a reviewer reads before approving it. */
export function explainScenario(file: string, scenario: Scenario, graph: StepGraph): string {
  const { metadata, spec } = scenario;
  const lines: string[] = [];
  lines.push(`${metadata.name}${metadata.title ? ` — ${metadata.title}` : ''}  (${file})`);
  if (metadata.description) lines.push(`  ${metadata.description.trim()}`);
  if (spec.template) lines.push(`  Template: ${spec.template}`);
  lines.push(`  Entry: ${entryText(scenario)}`);
  lines.push(`  Schedule: ${scheduleText(scenario)}`);
  const exits = (spec.exitOn ?? ['reply', 'unsubscribe', 'bounce']).map((r) => (typeof r === 'string' ? r : `when ${describeCondition(r.when)}`));
  lines.push(`  Leaves on: ${exits.join(', ')}`);
  const extras = [
    spec.exclusive ? `exclusive (priority ${spec.priority ?? 0})` : undefined,
    spec.limits?.maxActive ? `at most ${spec.limits.maxActive} active contacts` : undefined,
    spec.suspend ? 'SUSPENDED' : undefined,
    spec.form ? `form "${spec.form.id}"` : undefined,
  ].filter(Boolean);
  if (extras.length) lines.push(`  Also: ${extras.join('; ')}`);
  lines.push('  Steps:');
  const width = Math.max(...graph.order.map((id) => id.length));
  graph.order.forEach((id, i) => {
    const { step, edges } = graph.steps[id]!;
    const def = stepDefinition(step);
    const where = edges.length === 0 ? '' : edges.length === 1
      ? ` → ${edges[0]!.to ?? 'end'}`
      : ` → ${edges.map((e) => `${e.label}: ${e.to ?? 'end'}`).join(', ')}`;
    lines.push(`    ${String(i + 1).padStart(2)}. ${id.padEnd(width)}  ${step.type.padEnd(9)} ${def.summary(step as never)}${where}`);
  });
  return lines.join('\n');
}

function entryText({ spec }: Scenario): string {
  const parts: string[] = [];
  if (spec.entry.lists) {
    parts.push(`members of ${spec.entry.lists.join(', ')}${spec.entry.segment ? ` where ${describeCondition(spec.entry.segment)}` : ''}${spec.entry.runIndefinitely ? ', including later members (runs indefinitely)' : ''}`);
  }
  for (const t of spec.entry.triggers ?? []) {
    const detail = t.list ?? t.form ?? t.field ?? t.url ?? (t.above !== undefined ? `above ${t.above}` : t.below !== undefined ? `below ${t.below}` : '');
    parts.push(`on ${t.on}${detail ? ` ${detail}` : ''}${t.rateLimit ? ` (max ${t.rateLimit.max}/${t.rateLimit.per})` : ''}`);
  }
  return parts.join('; ') || 'nobody';
}

function scheduleText({ spec }: Scenario): string {
  const s = spec.schedule;
  if (!s) return 'any time, UTC';
  const parts = [s.timezone ?? 'UTC'];
  if (s.start) parts.push(`from ${s.start}`);
  if (s.end) parts.push(`until ${s.end}`);
  if (s.businessDays) parts.push('business days');
  if (s.days) parts.push(s.days.join(' '));
  if (s.hours) parts.push(s.hours.join(', '));
  if (s.holidays?.length) parts.push(`${s.holidays.length} holiday${s.holidays.length === 1 ? '' : 's'} off`);
  return parts.join(', ');
}
