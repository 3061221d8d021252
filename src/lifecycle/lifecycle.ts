import type { Redis } from 'ioredis';
import { acquireLock, actor } from '../state/lock.js';
import { RelanceError } from '../errors.js';
import type { Keys } from '../state/keys.js';
import { readScenarioRecord, type ScenarioState } from '../state/scenario-store.js';
import { setEnrollmentStatus } from '../enroll/contact-status.js';
import { releaseInto } from '../enroll/release.js';

export class UnknownScenarioError extends RelanceError {
  override readonly code = 'UNKNOWN_SCENARIO';
}

export class UnknownContactError extends RelanceError {
  override readonly code = 'UNKNOWN_CONTACT';
}

export type LifecycleAction = 'pause' | 'resume' | 'archive';

const TARGET: Record<LifecycleAction, ScenarioState> = { pause: 'paused', resume: 'running', archive: 'archived' };

/**
 * Changes a scenario's state from outside git (000's pause / resume / archive buttons). It is
 * recorded as `stateBy: cli`, so the next plan shows the drift until the files agree.
 */
export async function changeScenarioState(redis: Redis, keys: Keys, name: string, action: LifecycleAction, now = new Date()): Promise<{ from: ScenarioState; to: ScenarioState }> {
  const lock = await acquireLock(redis, keys, 'apply', `${action} ${name}`);
  try {
    const record = await readScenarioRecord(redis, keys, name);
    if (!record) throw new UnknownScenarioError(`no scenario "${name}" in the running state (see \`relance status\`)`);
    if (record.state === 'archived') throw new RelanceError(`"${name}" is archived: archiving is final`);
    const to = TARGET[action];
    if (record.state === to || (action === 'resume' && record.state !== 'paused')) return { from: record.state, to: record.state };
    const who = actor();
    const at = now.toISOString();
    const tx = redis.multi()
      .hset(keys.scenario(name), { state: to, stateBy: 'cli', stateAt: at, stateNote: `by ${who}` })
      .incr(keys.stateRev());
    if (action === 'archive') releaseInto(tx, keys, name);
    tx.lpush(keys.audit(), JSON.stringify({ at, who, scenario: name, actions: [action], via: 'cli' })).ltrim(keys.audit(), 0, 999);
    await tx.exec();
    return { from: record.state, to };
  } finally {
    await lock.release();
  }
}

/** Pause, resume or remove one contact (SPEC 4). Returns the contact's previous status. */
export async function changeContactState(redis: Redis, keys: Keys, name: string, contact: string, action: 'pause' | 'resume' | 'remove', now = new Date()): Promise<string> {
  if (!(await readScenarioRecord(redis, keys, name))) throw new UnknownScenarioError(`no scenario "${name}" in the running state`);
  const id = /^\d+$/.test(contact) ? contact : await redis.hget(keys.contactIds(), contact.trim().toLowerCase());
  if (!id) throw new UnknownContactError(`no contact "${contact}"`);
  const previous = await setEnrollmentStatus(redis, keys, name, id, action, now);
  if (!previous) throw new UnknownContactError(`contact "${contact}" is not enrolled in "${name}"`);
  await redis.multi().incr(keys.stateRev())
    .lpush(keys.audit(), JSON.stringify({ at: now.toISOString(), who: actor(), scenario: name, contact: id, actions: [action], via: 'cli' }))
    .ltrim(keys.audit(), 0, 999).exec();
  return previous;
}
