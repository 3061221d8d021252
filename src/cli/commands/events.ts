import { recordEvent, type EventType } from '../../events/record-event.js';
import { completeTask, listTasks } from '../../enroll/tasks.js';
import { UsageError } from '../../errors.js';
import { withState } from '../state.js';

const TYPES: EventType[] = ['delivered', 'opened', 'clicked', 'replied', 'bounced', 'unsubscribed', 'form-submitted', 'converted'];

/** `relance event TYPE EMAIL [--scenario S --step X]`: what the HTTP API will receive, by hand. */
export async function event(type: string, email: string, options: { scenario?: string; step?: string; form?: string }): Promise<void> {
  if (!TYPES.includes(type as EventType)) throw new UsageError(`unknown event "${type}"; use one of: ${TYPES.join(', ')}`);
  const result = await withState(({ redis, keys }) => recordEvent(redis, keys, { type: type as EventType, email, scenario: options.scenario, step: options.step, form: options.form, at: new Date() }));
  process.stdout.write(`recorded ${type} for ${email}: ${result.woken} waiting enrollment(s) re-evaluated${result.enrolled.length ? `, entered ${result.enrolled.join(', ')}` : ''}\n`);
}

export async function tasks(): Promise<void> {
  const open = await withState(({ redis, keys }) => listTasks(redis, keys));
  if (open.length === 0) { process.stdout.write('no open task\n'); return; }
  for (const t of open) process.stdout.write(`${t.id}  ${t.title}${t.assignee ? `  (for ${t.assignee})` : ''}  since ${t.createdAt}\n`);
}

export async function taskDone(id: string): Promise<void> {
  const task = await withState(({ redis, keys }) => completeTask(redis, keys, id, new Date()));
  process.stdout.write(`done: ${task.title} — ${task.email} moves on in ${task.scenario}\n`);
}
