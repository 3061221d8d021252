import { changeContactState, changeScenarioState, type LifecycleAction } from '../../lifecycle/lifecycle.js';
import { readStatus, type ScenarioStatus } from '../../lifecycle/status.js';
import { withState } from '../state.js';

export async function lifecycle(action: LifecycleAction, scenario: string, options: { contact?: string }): Promise<void> {
  await withState(async ({ redis, keys }) => {
    if (options.contact) {
      const contactAction = action === 'archive' ? 'remove' : action;
      const previous = await changeContactState(redis, keys, scenario, options.contact, contactAction);
      process.stdout.write(`${contactAction === 'remove' ? 'removed' : `${action}d`} ${options.contact} in ${scenario} (was ${previous})\n`);
      return;
    }
    const { from, to } = await changeScenarioState(redis, keys, scenario, action);
    process.stdout.write(from === to
      ? `${scenario} is already ${to}\n`
      : `${scenario}: ${from} → ${to}. This is drift from git until the file says so: the next \`relance plan\` shows it, and \`relance apply\` sets the file's state back.\n`);
  });
}

const DOT: Record<ScenarioStatus['colour'], string> = { red: 'red', orange: 'orange', green: 'green' };

export async function status(scenario: string | undefined, options: { json?: boolean }): Promise<void> {
  const rows = await withState(({ redis, keys }) => readStatus(redis, keys, scenario));
  if (options.json) {
    process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
    return;
  }
  if (rows.length === 0) {
    process.stdout.write(scenario ? `no scenario "${scenario}" in the running state\n` : 'nothing applied yet: run `relance plan` and `relance apply`\n');
    return;
  }
  const header = ['COLOUR', 'SCENARIO', 'STATE', 'VERSION', 'REVISION', 'IN PROGRESS', 'RUNNING', 'WAITING', 'PAUSED', 'BLOCKED', 'DEFERRED', 'FINISHED'];
  const table = rows.map((r) => [
    DOT[r.colour], r.name, r.display + (r.stateBy === 'cli' ? ' (cli)' : ''), r.version, r.revision.slice(0, 12) || '-',
    String(r.inProgress), ...(['running', 'waiting', 'paused', 'blocked', 'deferred'] as const).map((s) => String(r.byStatus[s] ?? 0)),
    String((r.byStatus.finished ?? 0) + (r.byStatus.replied ?? 0)),
  ]);
  process.stdout.write(columns([header, ...table]) + '\n');
  const one = scenario ? rows[0] : undefined;
  if (one) {
    process.stdout.write(`\nStep                          type        now  went through\n${one.bySteps.map((s) => `  ${s.step.padEnd(28)} ${s.type.padEnd(10)} ${String(s.count).padStart(4)}  ${String(s.through).padStart(12)}`).join('\n')}\n`);
    const outcomes = Object.entries(one.outcomes).map(([k, v]) => `${k} ${v}`).join(', ');
    if (outcomes) process.stdout.write(`\nFinished runs: ${outcomes}\n`);
    if (one.errors.count) process.stdout.write(`\n${one.errors.count} in error, for example:\n${one.errors.samples.map((e) => `  contact ${e.contactId}: ${e.reason}`).join('\n')}\n`);
  }
}

function columns(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
