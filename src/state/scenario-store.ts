import type { Redis } from 'ioredis';
import type { CompiledSchedule, StepGraph } from '../schema/compiled.js';
import type { Scenario } from '../schema/scenario.gen.js';
import type { Keys } from './keys.js';

/** SPEC 4. `archived` is final. */
export type ScenarioState = 'draft' | 'scheduled' | 'running' | 'paused' | 'completed' | 'archived';

/** SPEC 4 (000). The first five are "in progress"; the others are where a run ended. */
export type EnrollmentStatus = 'running' | 'waiting' | 'paused' | 'blocked' | 'deferred' | 'replied' | 'finished' | 'error';
export const IN_PROGRESS: readonly EnrollmentStatus[] = ['running', 'waiting', 'paused', 'blocked', 'deferred'];

export interface ScenarioRecord {
  name: string;
  state: ScenarioState;
  digest: string;
  revision: string;
  file: string;
  appliedAt: string;
  appliedBy: string;
  /** Who set the state last: `git` (an apply) or `cli` (a lifecycle command: drift until git agrees). */
  stateBy: 'git' | 'cli';
  stateAt: string;
  stateNote: string;
  /** The file's last applied version allowed archiving when the file is deleted. */
  prune: boolean;
}

export interface VersionRecord {
  name: string;
  digest: string;
  revision: string;
  appliedAt: string;
  file: string;
  scenario: Scenario;
  graph: StepGraph;
  /** The schedule resolved at apply (absent from versions applied before it was stored). */
  schedule?: CompiledSchedule;
}

export interface CountRow {
  version: string;
  step: string;
  status: EnrollmentStatus;
  count: number;
}

export const PRUNE_ANNOTATION = 'relance.dev/prune';

export async function readScenarioRecords(redis: Redis, keys: Keys): Promise<Map<string, ScenarioRecord>> {
  const names = (await redis.smembers(keys.scenarios())).sort();
  const pipeline = redis.pipeline();
  for (const name of names) pipeline.hgetall(keys.scenario(name));
  const replies = (await pipeline.exec()) ?? [];
  const out = new Map<string, ScenarioRecord>();
  names.forEach((name, i) => {
    const hash = replies[i]?.[1] as Record<string, string> | undefined;
    if (hash && hash.digest) out.set(name, toRecord(name, hash));
  });
  return out;
}

export async function readScenarioRecord(redis: Redis, keys: Keys, name: string): Promise<ScenarioRecord | undefined> {
  const hash = await redis.hgetall(keys.scenario(name));
  return hash.digest ? toRecord(name, hash) : undefined;
}

function toRecord(name: string, h: Record<string, string>): ScenarioRecord {
  return {
    name,
    state: (h.state ?? 'draft') as ScenarioState,
    digest: h.digest ?? '',
    revision: h.revision ?? '',
    file: h.file ?? '',
    appliedAt: h.appliedAt ?? '',
    appliedBy: h.appliedBy ?? '',
    stateBy: h.stateBy === 'cli' ? 'cli' : 'git',
    stateAt: h.stateAt ?? '',
    stateNote: h.stateNote ?? '',
    prune: h.prune === '1',
  };
}

export function recordFields(r: ScenarioRecord): Record<string, string> {
  return {
    state: r.state, digest: r.digest, revision: r.revision, file: r.file, appliedAt: r.appliedAt, appliedBy: r.appliedBy,
    stateBy: r.stateBy, stateAt: r.stateAt, stateNote: r.stateNote, prune: r.prune ? '1' : '0',
  };
}

/** Versions are stored under their short digest (12 hex digits); either form is accepted. */
export async function readVersion(redis: Redis, keys: Keys, name: string, digest: string): Promise<VersionRecord | undefined> {
  const json = await redis.get(keys.version(name, digest.slice(0, 12)));
  return json ? (JSON.parse(json) as VersionRecord) : undefined;
}

export async function readStateRev(redis: Redis, keys: Keys): Promise<number> {
  return Number((await redis.get(keys.stateRev())) ?? 0);
}
