import type { Redis } from 'ioredis';
import type { Keys } from '../state/keys.js';
import { scheduleOf } from '../compile/schedule.js';
import { countRows, readCountsHash, readErrors } from '../enroll/read.js';
import { IN_PROGRESS, readScenarioRecords, readVersion, type EnrollmentStatus, type ScenarioRecord } from '../state/scenario-store.js';

/** 000's colours: red = nobody in progress, orange = in progress but all waiting, green = actions queued. */
export type Colour = 'red' | 'orange' | 'green';

export interface ScenarioStatus {
  name: string;
  state: ScenarioRecord['state'];
  /** `scheduled` when running but its schedule has not started yet. */
  display: string;
  colour: Colour;
  version: string;
  revision: string;
  appliedAt: string;
  stateBy: 'git' | 'cli';
  byStatus: Partial<Record<EnrollmentStatus, number>>;
  inProgress: number;
  /** Live view (004): how many contacts are at each step now, and how many went through it. */
  bySteps: Array<{ step: string; type: string; count: number; through: number }>;
  /** How finished runs ended: success, failure, end. */
  outcomes: Record<string, number>;
  /** Enrollments in error, with a few of their reasons (SPEC 4: visible to the user). */
  errors: { count: number; samples: Array<{ contactId: string; reason: string }> };
}

export async function readStatus(redis: Redis, keys: Keys, only?: string, now = new Date()): Promise<ScenarioStatus[]> {
  const records = await readScenarioRecords(redis, keys);
  const out: ScenarioStatus[] = [];
  for (const record of records.values()) {
    if (only && record.name !== only) continue;
    const totals = await readCountsHash(redis, keys, record.name);
    const rows = countRows(totals);
    const outcomes = Object.fromEntries(Object.entries(totals).filter(([k, v]) => k.startsWith('_outcome|') && Number(v) > 0).map(([k, v]) => [k.slice(9), Number(v)]));
    const errors = await readErrors(redis, keys, record.name);
    const byStatus: Partial<Record<EnrollmentStatus, number>> = {};
    const atStep = new Map<string, number>();
    for (const r of rows) {
      byStatus[r.status] = (byStatus[r.status] ?? 0) + r.count;
      if (IN_PROGRESS.includes(r.status)) atStep.set(r.step, (atStep.get(r.step) ?? 0) + r.count);
    }
    const inProgress = IN_PROGRESS.reduce((n, s) => n + (byStatus[s] ?? 0), 0);
    const version = await readVersion(redis, keys, record.name, record.digest.slice(0, 12));
    const steps = version?.graph.order ?? [...atStep.keys()];
    const start = version ? scheduleOf(version).start : undefined;
    const scheduled = record.state === 'running' && start !== undefined && start * 1000 > now.getTime();
    out.push({
      name: record.name,
      state: record.state,
      display: scheduled ? 'scheduled' : record.state,
      colour: inProgress === 0 ? 'red' : (byStatus.running ?? 0) > 0 ? 'green' : 'orange',
      version: record.digest.slice(0, 12),
      revision: record.revision,
      appliedAt: record.appliedAt,
      stateBy: record.stateBy,
      byStatus,
      inProgress,
      bySteps: steps.map((step) => ({ step, type: version?.graph.steps[step]?.step.type ?? '?', count: atStep.get(step) ?? 0, through: Number(totals[`_passed|${step}`] ?? 0) })),
      outcomes,
      errors,
    });
  }
  return out;
}
