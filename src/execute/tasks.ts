import type { Redis } from 'ioredis';
import { RelanceError } from '../errors.js';
import { minuteOf, packEnrollment, unpackEnrollment } from '../state/enrollment.js';
import type { Keys } from '../state/keys.js';
import { readVersion } from '../state/scenario-store.js';
import type { TaskRecord } from './effects.js';

export class UnknownTaskError extends RelanceError {
  override readonly code = 'UNKNOWN_TASK';
}

export async function listTasks(redis: Redis, keys: Keys): Promise<TaskRecord[]> {
  return Object.values(await redis.hgetall(keys.tasks())).map((j) => JSON.parse(j) as TaskRecord).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** Marks a manual task done (003): the contact moves on to the step after it, due now. */
export async function completeTask(redis: Redis, keys: Keys, id: string, at: Date): Promise<TaskRecord> {
  const json = await redis.hget(keys.tasks(), id);
  if (!json) throw new UnknownTaskError(`no open task "${id}" (see \`relance task list\`)`);
  const task = JSON.parse(json) as TaskRecord;
  const value = await redis.hget(keys.enrollments(task.scenario), task.contactId);
  const enrollment = value ? unpackEnrollment(value) : undefined;
  if (enrollment && enrollment.step === task.step && enrollment.status === 'waiting') {
    const version = await readVersion(redis, keys, task.scenario, enrollment.version);
    const next = version?.graph.steps[task.step]?.edges[0]?.to ?? null;
    const nowS = Math.floor(at.getTime() / 1000);
    const minute = minuteOf(nowS);
    const tx = redis.multi();
    if (next) {
      // Due now at the next step; the worker takes it from there.
      tx.hset(keys.enrollments(task.scenario), task.contactId, packEnrollment({ ...enrollment, step: next, since: nowS, due: nowS, attempts: 0 }))
        .hincrby(keys.counts(task.scenario), `${enrollment.version}|${task.step}|waiting`, -1)
        .hincrby(keys.counts(task.scenario), `${enrollment.version}|${next}|waiting`, 1)
        .rpush(keys.dueBucket(task.scenario, minute), task.contactId)
        .zadd(keys.dueIndex(), 'NX', minute * 60, `${task.scenario}|${minute}`);
    } else {
      tx.hset(keys.enrollments(task.scenario), task.contactId, packEnrollment({ ...enrollment, status: 'finished', since: nowS, due: 0 }))
        .hincrby(keys.counts(task.scenario), `${enrollment.version}|${task.step}|waiting`, -1)
        .hincrby(keys.counts(task.scenario), `${enrollment.version}|${task.step}|finished`, 1)
        .hincrby(keys.counts(task.scenario), '_active', -1);
    }
    await tx.hdel(keys.tasks(), id).exec();
  } else {
    await redis.hdel(keys.tasks(), id); // the contact left meanwhile (a reply, an archive)
  }
  return task;
}
