import type { Action, ScenarioChange } from '../plan/types.js';
import type { CommentInput } from './comment-input.js';
import { cell, code, plural, tableSections, type Section } from './markdown.js';
import { specWords } from './spec-words.js';

const ACTIONS: Record<Exclude<Action, 'unchanged'>, string> = {
  create: '🆕 create',
  update: '✏️ update',
  pause: '⏸️ pause',
  resume: '▶️ resume',
  archive: '🗄️ archive',
  keep: '⚠️ deleted, still running',
};

/**
 * The plan as a table a reviewer reads without YAML: one row per scenario that changes, with its
 * changes step by step in the words `relance plan` uses. It is a diff of files, so it says so.
 */
export function planSections(input: CommentInput): Section[] {
  const { plan, base, note } = input.plan;
  if (!plan) return [{ title: 'Plan', body: `ℹ️ ${note ?? 'No plan.'}` }];
  const at = plan.base
    ? plan.base.commit.startsWith(plan.base.revision) ? code(short(plan.base.commit)) : `${code(plan.base.revision)} (${code(short(plan.base.commit))})`
    : code(short(base ?? plan.revision));
  const label = `Diff of the scenario files at the base revision ${at} against this pull request, not the running state: contacts in progress are not counted.`;
  const changed = plan.changes.filter((c) => !c.actions.includes('unchanged'));
  const unchanged = plan.changes.filter((c) => c.actions.includes('unchanged')).map((c) => c.name);
  const footer = [
    ...plan.problems.map((p) => `❌ ${cell(p)}`),
    plan.base?.invalid.length ? `At the base, ${plan.base.invalid.map(code).join(', ')} did not validate: counted as absent.` : '',
    unchanged.length ? `Unchanged (${unchanged.length}): ${unchanged.map(code).join(', ')}.` : '',
  ].filter(Boolean).join('\n\n');
  if (changed.length === 0) return [{ title: 'Plan', body: `${label}\n\n✅ No scenario changes.${footer ? `\n\n${footer}` : ''}` }];
  const sections = tableSections('Plan', `${label}\n\n${summaryLine(changed)}`, ['Scenario', 'Action', 'What changes'], changed.map(row));
  if (footer) sections[sections.length - 1]!.body += `\n${footer}\n`;
  return sections;
}

function row(c: ScenarioChange): string[] {
  const title = c.desired?.scenario.metadata.title;
  const who = [`**${cell(c.name)}**`, title ? cell(title) : '', c.file ? code(c.file) : ''].filter(Boolean).join('<br>');
  const actions = c.actions.filter((a): a is Exclude<Action, 'unchanged'> => a !== 'unchanged').map((a) => ACTIONS[a]).join('<br>');
  return [who, actions, whatChanges(c).map(cell).join('<br>')];
}

/** One line per change, as `relance plan` words them, without the enrolled counts a file diff cannot know. */
export function whatChanges(c: ScenarioChange): string[] {
  const out: string[] = [];
  if (c.actions.includes('create')) {
    const entry = c.desired?.scenario.spec.entry;
    const steps = c.desired?.graph.order.length;
    out.push(`new scenario${steps ? ` with ${plural(steps, 'step')}` : ''}, ${c.to?.state === 'paused' ? 'paused (suspend: true)' : 'starts running once applied'}`);
    if (entry?.lists) out.push(`entry: contacts of ${entry.lists.join(', ')}${entry.segment ? ' matching the segment' : ''}`);
    else if (entry) out.push('entry: on triggers only; nobody enters until an event arrives');
  }
  for (const s of c.steps) {
    const sign = s.change === 'added' ? '+' : s.change === 'removed' ? '−' : '~';
    out.push(`${sign} step ${s.id} ${s.change}${s.details.length ? `: ${s.details.join('; ')}` : ''}`);
  }
  for (const path of c.specChanges) out.push(`~ ${specWords(path)}${c.specDetails?.[path]?.length ? `: ${c.specDetails[path]!.join('; ')}` : ''}`);
  if (c.actions.includes('pause')) out.push('the file sets suspend: true: contacts in progress stop where they are');
  if (c.actions.includes('resume')) out.push('suspend removed: contacts in progress go on');
  out.push(...c.drift.map((d) => `drift: ${d}`), ...c.notes);
  return out;
}

function summaryLine(changed: ScenarioChange[]): string {
  const count = (a: Action) => changed.filter((c) => c.actions.includes(a)).length;
  const parts = (['create', 'update', 'pause', 'resume', 'archive', 'keep'] as const)
    .filter((a) => count(a) > 0).map((a) => `${count(a)} ${a === 'keep' ? 'deleted but kept' : `to ${a}`}`);
  return `**${parts.join(', ')}.**`;
}

const short = (rev: string) => (/^[0-9a-f]{40}$/.test(rev) ? rev.slice(0, 7) : rev || '(unknown)');
