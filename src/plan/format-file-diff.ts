import { shortDigest } from '../compile/normalize.js';
import type { PlanBase, ScenarioChange } from './types.js';

/** What a `--base` plan is, said first so nobody reads it as what `apply` would do. */
export function baseLabel(base: PlanBase): string {
  const at = base.commit.startsWith(base.revision) ? `${base.commit.slice(0, 7)} (base)` : `${base.revision} (${base.commit.slice(0, 7)}, base)`;
  return `relance plan --base ${base.revision}: a diff of the files at ${at} and the working tree, not of the running state`;
}

/**
 * A `--base` plan's block: the same words as `block`, without the contact counts a diff of files
 * cannot know (it read no Redis: every count would say 0).
 */
export function fileBlock(c: ScenarioChange): string[] {
  const file = c.file ? `  (${c.file})` : '';
  const out: string[] = [];
  if (c.actions.includes('create')) {
    out.push(`+ create   ${c.name}${file}`, `    version ${shortDigest(c.to!.digest)}, state ${c.to!.state}`);
    const lists = c.desired?.scenario.spec.entry.lists;
    out.push(lists ? `    entry: lists ${lists.join(', ')}${c.desired?.scenario.spec.entry.segment ? ', matching the segment' : ''}; contacts affected: counted against the running state only (REDIS_URL)` : '    entry: on triggers only; nobody enters until an event arrives');
  }
  if (c.actions.includes('update')) {
    out.push(`~ update   ${c.name}  ${shortDigest(c.from!.digest)} → ${shortDigest(c.to!.digest)}${file}`);
    out.push(c.strategy === 'migrate' ? '    contacts in progress move to the new version (updateStrategy: migrate)' : '    contacts in progress stay on the old version (pinned); new entrants get the new version');
    for (const s of c.steps) {
      const sign = s.change === 'added' ? '+' : s.change === 'removed' ? '-' : '~';
      out.push(`    ${sign} step ${s.id} ${s.change}${s.details.length ? `: ${s.details.join('; ')}` : ''}`);
    }
    for (const path of c.specChanges) out.push(`    ~ ${path}${c.specDetails?.[path]?.length ? `: ${c.specDetails[path]!.join('; ')}` : ''}`);
  }
  if (c.actions.includes('pause')) out.push(`‖ pause    ${c.name}${file}  (contacts in progress stop where they are)`);
  if (c.actions.includes('resume')) out.push(`▶ resume   ${c.name}${file}  (contacts in progress go on)`);
  if (c.actions.includes('archive')) out.push(`- archive  ${c.name}${file}  (releases its contacts in progress)`);
  if (c.actions.includes('keep')) out.push(`! keep     ${c.name}${file}  (${c.from?.state} at the base)`);
  for (const note of c.notes) out.push(`    ${note}`);
  return out;
}
