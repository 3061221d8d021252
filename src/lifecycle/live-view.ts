import type { Redis } from 'ioredis';
import { parseEngagement } from '../conditions/contact-state.js';
import { eachEngagement, eachEnrollment, eachError } from '../enroll/read.js';
import type { Keys } from '../state/keys.js';
import { readVersion } from '../state/scenario-store.js';
import { readStatus, type ScenarioStatus } from './status.js';

/** Why contacts are where they are at one step: each kind with how many and until when. */
export interface StepHold {
  /** `delay` (a wait), `condition` (a wait-for, until its timeout), `quota` (deferred), `cap` (blocked), `task`, `paused`, `due` (being worked on now), `error`. */
  why: 'delay' | 'condition' | 'quota' | 'cap' | 'task' | 'paused' | 'due' | 'error';
  count: number;
  /** The earliest and latest time they are due again (ISO), when they have one. */
  from?: string;
  until?: string;
}

export interface LiveStep {
  step: string;
  type: string;
  /** Contacts at the step now, and contacts who went through it. */
  now: number;
  through: number;
  /** Email steps: contacts who received it and what they did (humans only: bots set no flag), with rates over received. */
  received?: number;
  opened?: number;
  clicked?: number;
  replied?: number;
  bounced?: number;
  rates?: { opened: number; clicked: number; replied: number; bounced: number };
  holds: StepHold[];
}

export interface LiveView {
  status: ScenarioStatus;
  steps: LiveStep[];
  /** Reasons of runs in error, most frequent first (SPEC 4: visible to the user). */
  errors: Array<{ reason: string; count: number }>;
  at: string;
}

const rate = (n: number, of: number): number => (of > 0 ? Math.round((n / of) * 1000) / 10 : 0);

/**
 * One scenario as an operator watches it go out (SPEC 4, Argo CD's application view): per step,
 * who is there now and why (waiting on a delay until when, on a condition, deferred by a quota
 * until when, over the cap, on a task, in error), who went through, and what the email's
 * receivers did. Reads the enrollments and engagement a page at a time.
 */
export async function readLiveView(redis: Redis, keys: Keys, scenario: string, now = new Date()): Promise<LiveView | undefined> {
  const [status] = await readStatus(redis, keys, scenario, now);
  if (!status) return undefined;
  const version = await readVersion(redis, keys, scenario, status.version);
  const typeOf = (step: string): string => version?.graph.steps[step]?.step.type ?? '?';

  const holds = new Map<string, Map<StepHold['why'], { count: number; from: number; until: number }>>();
  const nowS = Math.floor(now.getTime() / 1000);
  await eachEnrollment(redis, keys, scenario, (_id, e) => {
    const why = holdOf(e.status, typeOf(e.step), e.due, nowS);
    if (!why) return;
    const at = holds.get(e.step) ?? new Map();
    holds.set(e.step, at);
    const h = at.get(why) ?? { count: 0, from: Infinity, until: 0 };
    h.count++;
    if (e.due > 0) { h.from = Math.min(h.from, e.due); h.until = Math.max(h.until, e.due); }
    at.set(why, h);
  });

  const flags = new Map<string, Record<'r' | 'o' | 'c' | 'p' | 'b', number>>();
  await eachEngagement(redis, keys, scenario, (_id, json) => {
    let e;
    try { e = parseEngagement(json); } catch { return; }
    for (const [step, letters] of Object.entries(e.s)) {
      const f = flags.get(step) ?? { r: 0, o: 0, c: 0, p: 0, b: 0 };
      flags.set(step, f);
      for (const l of ['r', 'o', 'c', 'p', 'b'] as const) if (letters.includes(l)) f[l]++;
    }
  });

  const steps = status.bySteps.map((s): LiveStep => {
    const f = flags.get(s.step);
    const stepHolds = [...(holds.get(s.step) ?? new Map<StepHold['why'], { count: number; from: number; until: number }>())].map(([why, h]): StepHold => ({
      why, count: h.count,
      ...(h.until > 0 ? { from: new Date(h.from * 1000).toISOString(), until: new Date(h.until * 1000).toISOString() } : {}),
    }));
    const live: LiveStep = { step: s.step, type: s.type, now: s.count, through: s.through, holds: stepHolds };
    if (s.type === 'email') {
      const received = f?.r ?? 0;
      Object.assign(live, {
        received, opened: f?.o ?? 0, clicked: f?.c ?? 0, replied: f?.p ?? 0, bounced: f?.b ?? 0,
        rates: { opened: rate(f?.o ?? 0, received), clicked: rate(f?.c ?? 0, received), replied: rate(f?.p ?? 0, received), bounced: rate(f?.b ?? 0, received) },
      });
    }
    return live;
  });

  const reasons = new Map<string, number>();
  await eachError(redis, keys, scenario, (_id, reason) => { reasons.set(reason, (reasons.get(reason) ?? 0) + 1); });
  const errors = [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count).slice(0, 10);
  return { status, steps, errors, at: now.toISOString() };
}

/** Why an enrollment in progress is held at its step (undefined for ended runs). */
function holdOf(status: string, type: string, due: number, nowS: number): StepHold['why'] | undefined {
  switch (status) {
    case 'blocked': return 'cap';
    case 'deferred': return 'quota';
    case 'paused': return 'paused';
    case 'error': return 'error';
    case 'running': return 'due';
    case 'waiting':
      if (type === 'task' && due === 0) return 'task';
      if (due > 0 && due <= nowS) return 'due';
      return type === 'wait-for' ? 'condition' : 'delay';
    default: return undefined;
  }
}
