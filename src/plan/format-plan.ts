import { shortDigest } from '../compile/normalize.js';
import { baseLabel, fileBlock } from './format-file-diff.js';
import type { Plan, ScenarioChange } from './types.js';

const n = (x: number) => x.toLocaleString('en-US');
const plural = (x: number, word: string) => `${n(x)} ${word}${x === 1 ? '' : 's'}`;

/** Stable, diff-friendly text: one block per scenario that changes, unchanged ones on one line. */
export function formatPlan(plan: Plan): string {
  const header = plan.base ? baseLabel(plan.base) : `relance plan: revision ${plan.revision || '(not a git checkout)'} against running state #${plan.basis} (${plan.prefix})`;
  const lines: string[] = [header, ''];
  const unchanged = plan.changes.filter((c) => c.actions.includes('unchanged'));
  for (const change of plan.changes) if (!change.actions.includes('unchanged')) lines.push(...(plan.base ? fileBlock(change) : block(change)), '');
  if (unchanged.length) lines.push(`= unchanged (${unchanged.length}): ${unchanged.map((c) => c.name).join(', ')}`, '');
  if (plan.base?.invalid.length) lines.push(`note: at the base (${plan.base.revision}) these files did not validate and count as absent, so their scenarios show as created: ${plan.base.invalid.join(', ')}`, '');
  for (const p of plan.problems) lines.push(`error: ${p}`);
  lines.push(summary(plan) + (plan.base ? ' Contacts affected: counted against the running state only (REDIS_URL).' : ''));
  return lines.join('\n');
}

function block(c: ScenarioChange): string[] {
  const out: string[] = [];
  const file = c.file ? `  (${c.file})` : '';
  if (c.actions.includes('create')) {
    out.push(`+ create   ${c.name}${file}`);
    out.push(`    version ${shortDigest(c.to!.digest)}, state ${c.to!.state}`);
    const lists = c.desired?.scenario.spec.entry.lists;
    if (lists) out.push(`    entry: lists ${lists.join(', ')}: ${c.affected === undefined ? 'contacts affected unknown' : `${plural(c.affected, 'contact')} affected (valid address, not suppressed)`}${c.desired?.scenario.spec.entry.segment ? ', matching the segment' : ''}`);
    else out.push('    entry: on triggers only; nobody enters until an event arrives');
  }
  if (c.actions.includes('update')) {
    out.push(`~ update   ${c.name}  ${shortDigest(c.from!.digest)} → ${shortDigest(c.to!.digest)}${file}`);
    const who = c.strategy === 'migrate'
      ? `${plural(c.enrolled, 'enrolled contact')} move to the new version (updateStrategy: migrate)`
      : `${plural(c.enrolled, 'enrolled contact')} stay on ${shortDigest(c.from!.digest)} (pinned); new entrants get the new version`;
    out.push(`    ${who}`);
    for (const s of c.steps) {
      const sign = s.change === 'added' ? '+' : s.change === 'removed' ? '-' : '~';
      const detail = s.details.length ? `: ${s.details.join('; ')}` : '';
      const touch = s.change === 'removed' ? `${plural(s.touched, 'contact')} on it now` : `touches ${plural(s.touched, 'enrolled contact')}`;
      out.push(`    ${sign} step ${s.id} ${s.change}${detail} (${touch}${c.strategy === 'pin' && s.touched > 0 ? ', pinned: they keep the old version' : ''})`);
    }
    for (const path of c.specChanges) out.push(`    ~ ${path}${c.specDetails?.[path]?.length ? `: ${c.specDetails[path]!.join('; ')}` : ''}`);
  }
  if (c.actions.includes('pause')) out.push(`‖ pause    ${c.name}${file}  (${plural(c.enrolled, 'contact')} in progress stop where they are)`);
  if (c.actions.includes('resume')) out.push(`▶ resume   ${c.name}${file}  (${plural(c.enrolled, 'contact')} in progress go on)`);
  if (c.actions.includes('archive')) out.push(`- archive  ${c.name}  (releases ${plural(c.enrolled, 'contact')} in progress)`);
  if (c.actions.includes('keep')) out.push(`! keep     ${c.name}  (${c.from?.state}, ${plural(c.enrolled, 'contact')} in progress)`);
  for (const d of c.drift) out.push(`    drift: ${d}`);
  for (const note of c.notes) out.push(`    ${note}`);
  return out;
}

export function summary(plan: Plan): string {
  const count = (a: string) => plan.changes.filter((c) => c.actions.includes(a as never)).length;
  const drift = plan.changes.filter((c) => c.drift.length > 0).length;
  const parts = [`${count('create')} to create`, `${count('update')} to update`, `${count('pause')} to pause`, `${count('resume')} to resume`, `${count('archive')} to archive`, `${count('unchanged')} unchanged`];
  const kept = count('keep');
  return `Plan: ${parts.join(', ')}.${kept ? ` ${kept} deleted but kept (prune guard).` : ''}${drift ? ` Drift: ${drift}.` : ''}`;
}
