import type { Redis } from 'ioredis';
import { enrollmentCount, readAllEngagement, readCountsHash } from '../enroll/read.js';
import { parseEngagement } from '../conditions/contact-state.js';
import type { Keys } from '../state/keys.js';
import { IN_PROGRESS, readScenarioRecords, readVersion } from '../state/scenario-store.js';

export interface StepLine {
  step: string;
  type: string;
  through: number;
  now: number;
  sent?: number;
  opened?: number;
  clicked?: number;
  replied?: number;
}

export interface ScenarioLine {
  name: string;
  entered: number;
  steps: StepLine[];
  outcomes: Record<string, number>;
}

export interface DemoReport {
  start: Date;
  end: Date;
  seconds: number;
  webhookCalls: number;
  scenarios: ScenarioLine[];
  unknownSends: number;
  /** `.eml` files in the outbox after the run: one per email sent, since every send has a Message-ID of its own. */
  outboxFiles: number;
  /** What `relance doctor` found after the run: counts, totals, queues and schedules vs the enrollments. */
  doctor: string[];
}

/** Per scenario and step: how many went through, are there now, and what they did with the emails. */
export async function demoReport(redis: Redis, keys: Keys, run: { entered: Record<string, number>; start: Date; end: Date; seconds: number; webhookCalls: number; outboxFiles: number; doctor: string[] }): Promise<DemoReport> {
  const scenarios: ScenarioLine[] = [];
  for (const record of (await readScenarioRecords(redis, keys)).values()) {
    const version = await readVersion(redis, keys, record.name, record.digest);
    if (!version) continue;
    const counts = await readCountsHash(redis, keys, record.name);
    const ledger = await redis.hgetall(keys.ledger(record.name));
    const engagement = (await readAllEngagement(redis, keys, record.name)).map(parseEngagement);
    const outcomes: Record<string, number> = {};
    const atStep = new Map<string, number>();
    for (const [field, n] of Object.entries(counts)) {
      if (field.startsWith('_')) continue;
      const [, step = '', status = ''] = field.split('|');
      const count = Number(n);
      if (IN_PROGRESS.includes(status as never)) {
        atStep.set(step, (atStep.get(step) ?? 0) + count);
        outcomes['in progress'] = (outcomes['in progress'] ?? 0) + count;
      } else if (count > 0 && status !== 'finished') {
        outcomes[status] = (outcomes[status] ?? 0) + count;
      }
    }
    for (const [field, n] of Object.entries(counts)) {
      if (field.startsWith('_outcome|') && Number(n) > 0) outcomes[field.slice(9)] = Number(n);
    }
    const sentBy = new Map<string, number>();
    for (const [field, value] of Object.entries(ledger)) {
      if (value.startsWith('sent')) sentBy.set(field.split('|')[1]!, (sentBy.get(field.split('|')[1]!) ?? 0) + 1);
    }
    const flag = (step: string, f: string) => engagement.filter((e) => (e.s[step] ?? '').includes(f)).length;
    const steps = version.graph.order.map((id): StepLine => {
      const type = version.graph.steps[id]!.step.type;
      const line: StepLine = { step: id, type, through: Number(counts[`_passed|${id}`] ?? 0), now: atStep.get(id) ?? 0 };
      if (type === 'email') Object.assign(line, { sent: sentBy.get(id) ?? 0, opened: flag(id, 'o'), clicked: flag(id, 'c'), replied: flag(id, 'p') });
      return line;
    });
    const entered = run.entered[record.name] ?? (await enrollmentCount(redis, keys, record.name));
    scenarios.push({ name: record.name, entered, steps, outcomes });
  }
  return { start: run.start, end: run.end, seconds: run.seconds, webhookCalls: run.webhookCalls, scenarios, unknownSends: await redis.hlen(keys.unknownSends()), outboxFiles: run.outboxFiles, doctor: run.doctor };
}

export function formatDemoReport(r: DemoReport): string {
  const lines: string[] = [];
  const days = Math.round((r.end.getTime() - r.start.getTime()) / 86_400_000);
  lines.push(`relance demo: ${r.scenarios.length} scenarios on a virtual clock, ${r.start.toISOString().slice(0, 10)} → ${r.end.toISOString().slice(0, 10)} (${days} days) in ${r.seconds.toFixed(1)} s`);
  let sent = 0;
  for (const s of r.scenarios) {
    lines.push('', `${s.name}: ${s.entered} contacts entered`);
    const width = Math.max(...s.steps.map((l) => l.step.length), 4);
    lines.push(`  ${'step'.padEnd(width)}  ${'type'.padEnd(9)}  through  now   sent  opened  clicked  replied`);
    for (const l of s.steps) {
      sent += l.sent ?? 0;
      const mail = l.type === 'email' ? `${String(l.sent).padStart(5)}  ${String(l.opened).padStart(6)}  ${String(l.clicked).padStart(7)}  ${String(l.replied).padStart(7)}` : '';
      lines.push(`  ${l.step.padEnd(width)}  ${l.type.padEnd(9)}  ${String(l.through).padStart(7)}  ${String(l.now).padStart(3)}  ${mail}`.trimEnd());
    }
    lines.push(`  outcomes: ${Object.entries(s.outcomes).sort().map(([k, v]) => `${k} ${v}`).join(', ') || 'none yet'}`);
  }
  const files = r.outboxFiles === sent ? `${sent} emails written to the outbox` : `${sent} emails sent but ${r.outboxFiles} files in the outbox (a Message-ID used twice)`;
  lines.push('', `${files}, ${r.webhookCalls} webhook calls to a local sink, ${r.unknownSends} sends of unknown outcome.`);
  lines.push(r.doctor.length === 0 ? 'relance doctor: clean (every count, total, queue and schedule matches the enrollments).' : `relance doctor: ${r.doctor.length} difference(s):\n  ${r.doctor.join('\n  ')}`);
  return lines.join('\n');
}
