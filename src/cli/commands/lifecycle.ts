import { changeContactState, changeScenarioState, type LifecycleAction } from '../../lifecycle/lifecycle.js';
import { readLiveView } from '../../lifecycle/live-view.js';
import { liveViewMermaid, liveViewText } from '../../lifecycle/live-view-text.js';
import { readStatus, type ScenarioStatus } from '../../lifecycle/status.js';
import { readVersion } from '../../state/scenario-store.js';
import { InputNotFoundError } from '../../errors.js';
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

export async function status(scenario: string | undefined, options: { json?: boolean; watch?: boolean; mermaid?: boolean; interval?: string }): Promise<void> {
  if (scenario) return liveStatus(scenario, options);
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
}

/**
 * One scenario's live view: per step, who is there now and why, who went through, what the
 * email's receivers did. `--watch` redraws it in place every `--interval` seconds until Ctrl-C.
 */
async function liveStatus(scenario: string, options: { json?: boolean; watch?: boolean; mermaid?: boolean; interval?: string }): Promise<void> {
  const every = Math.max(1, Number(options.interval ?? 2)) * 1000;
  await withState(async ({ redis, keys }) => {
    for (;;) {
      const view = await readLiveView(redis, keys, scenario);
      if (!view) throw new InputNotFoundError(`no scenario "${scenario}" in the running state`);
      const version = await readVersion(redis, keys, scenario, view.status.version);
      const zone = version?.schedule?.zone ?? 'UTC';
      const text = options.json ? JSON.stringify(view, null, 2) + '\n'
        : options.mermaid && version ? '```mermaid\n' + liveViewMermaid(view, version.graph) + '\n```\n'
        : liveViewText(view, zone);
      // In place: home and clear, then the view (a terminal keeps no scrollback of the old ones).
      process.stdout.write(options.watch && process.stdout.isTTY ? `\x1b[H\x1b[2J${text}` : text);
      if (!options.watch) return;
      await new Promise((resolve) => setTimeout(resolve, every));
    }
  });
}

function columns(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
