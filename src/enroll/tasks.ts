import type { Redis } from 'ioredis';
import { logOnly, type EventSource } from './engage.js';
import { RelanceError } from '../errors.js';
import { minuteOf } from '../state/enrollment.js';
import type { Keys } from '../state/keys.js';
import { readVersion } from '../state/scenario-store.js';
import { runScript } from '../state/scripts.js';

export class UnknownTaskError extends RelanceError {
  override readonly code = 'UNKNOWN_TASK';
}

export class TaskPausedError extends RelanceError {
  override readonly code = 'TASK_PAUSED';
}

/** A manual task (003's "call the contact"): open until a person marks it done. */
export interface TaskRecord {
  id: string;
  scenario: string;
  contactId: string;
  email: string;
  step: string;
  title: string;
  assignee?: string;
  createdAt: string;
  dueAt?: string;
}

export function taskId(scenario: string, contactId: string, step: string): string {
  return `${scenario}:${contactId}:${step}`;
}

/** Opens tasks; a task already open (a retried pass) is kept as it was. */
export async function openTasks(redis: Redis, keys: Keys, tasks: TaskRecord[]): Promise<void> {
  if (tasks.length === 0) return;
  const tx = redis.multi();
  for (const task of tasks) tx.hsetnx(keys.tasks(), task.id, JSON.stringify(task));
  await tx.exec();
}

export async function listTasks(redis: Redis, keys: Keys): Promise<TaskRecord[]> {
  return Object.values(await redis.hgetall(keys.tasks())).map((j) => JSON.parse(j) as TaskRecord).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/**
 * Marks a manual task done (003): the contact moves on to the step after it, due now
 * (lua/complete-task.lua). Of two people marking the same task done, one wins; the other is told
 * the task is not open any more.
 */
export async function completeTask(redis: Redis, keys: Keys, id: string, at: Date, source: EventSource = 'cli'): Promise<TaskRecord> {
  const json = await redis.hget(keys.tasks(), id);
  if (!json) throw new UnknownTaskError(`no open task "${id}" (see \`relance task list\`)`);
  const task = JSON.parse(json) as TaskRecord;
  const value = await redis.hget(keys.enrollments(task.scenario), task.contactId);
  const version = value ? await readVersion(redis, keys, task.scenario, value.slice(0, value.indexOf('|'))) : undefined;
  const next = version?.graph.steps[task.step]?.edges[0]?.to ?? '';
  const nowS = Math.floor(at.getTime() / 1000);
  const minute = minuteOf(nowS);
  const outcome = await runScript<string>(redis, 'complete-task',
    [keys.tasks(), keys.enrollments(task.scenario), keys.counts(task.scenario), keys.dueBucket(task.scenario, minute), keys.dueIndex(), keys.blocked(task.scenario)],
    [id, task.contactId, task.step, next, nowS, keys.dueMember(task.scenario, minute), minute * 60]);
  if (outcome === 'unknown') throw new UnknownTaskError(`task "${id}" is not open any more: someone marked it done meanwhile`);
  if (outcome === 'paused') throw new TaskPausedError(`the contact of task "${id}" is paused in "${task.scenario}": resume it first`);
  await logOnly(redis, keys, task.scenario, { type: 'task-done', contactId: task.contactId, source, at, step: task.step });
  return task;
}
