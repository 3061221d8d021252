import type { Redis } from 'ioredis';
import { UnknownScenarioError } from '../lifecycle/lifecycle.js';
import type { EmailStep, Scenario } from '../schema/scenario.gen.js';
import type { Keys } from '../state/keys.js';
import { readScenarioRecord, readScenarioRecords, readVersion, type ScenarioRecord, type VersionRecord } from '../state/scenario-store.js';
import { BUILTIN_FIELDS } from '../templates/context.js';
import { didYouMean } from '../util/did-you-mean.js';
import { ZoneClock } from './times.js';

/** An email step as the report labels it. */
export interface EmailStepInfo {
  id: string;
  /** The campaign's title (a catalogue slot's label, a step's `name`), '' when it has none. */
  campaign: string;
  subject: string;
}

/**
 * The scenario's email steps, numbered: the current version's in its order, then those only
 * older versions had (contacts pinned to them were sent those). A step met in the ledger or the
 * log and in no version still gets a number, with no labels.
 */
export class EmailSteps {
  readonly list: EmailStepInfo[] = [];
  private readonly index = new Map<string, number>();

  add(info: EmailStepInfo): void {
    if (!this.index.has(info.id)) this.index.set(info.id, this.list.push(info) - 1);
  }

  of(id: string): number {
    let n = this.index.get(id);
    if (n === undefined) {
      n = this.list.push({ id, campaign: '', subject: '' }) - 1;
      this.index.set(id, n);
    }
    return n;
  }
}

/** A contact field shown in Global.csv, and how its values read. */
export interface ContactColumn {
  name: string;
  type: 'string' | 'number' | 'boolean' | 'date' | 'list';
}

export interface ReportScenario {
  record: ScenarioRecord;
  /** The current version. */
  version: VersionRecord;
  /** Every applied version by short digest (enrollments pin one). */
  versions: Map<string, VersionRecord>;
  steps: EmailSteps;
  clock: ZoneClock;
  /** When the scenario starts: `schedule.start`, else its first apply (epoch seconds). */
  start: number;
  /** The id of the scenario's form (the newest version's that has one). */
  form: string | undefined;
  columns: ContactColumn[];
}

/** The names of the applied scenarios; each named one must exist. */
export async function scenarioNames(redis: Redis, keys: Keys, named: readonly string[]): Promise<string[]> {
  const records = await readScenarioRecords(redis, keys);
  for (const name of named) {
    if (records.has(name)) continue;
    const guess = didYouMean(name, records.keys());
    throw new UnknownScenarioError(`no scenario "${name}" in the running state${guess ? ` (did you mean "${guess}"?)` : ''}; see \`relance status\``);
  }
  return named.length > 0 ? [...new Set(named)] : [...records.keys()];
}

export async function loadScenario(redis: Redis, keys: Keys, name: string): Promise<ReportScenario> {
  const record = await readScenarioRecord(redis, keys, name);
  if (!record) throw new UnknownScenarioError(`no scenario "${name}" in the running state; see \`relance status\``);
  const history = await redis.zrange(keys.versions(name), 0, -1, 'WITHSCORES');
  const versions = new Map<string, VersionRecord>();
  let firstApplied = Number.POSITIVE_INFINITY;
  for (let i = 0; i + 1 < history.length; i += 2) {
    const v = await readVersion(redis, keys, name, history[i]!);
    if (v) versions.set(history[i]!, v);
    firstApplied = Math.min(firstApplied, Number(history[i + 1]));
  }
  const version = versions.get(record.digest.slice(0, 12)) ?? (await readVersion(redis, keys, name, record.digest));
  if (!version) throw new UnknownScenarioError(`scenario "${name}" has no stored version ${record.digest.slice(0, 12)}`);
  versions.set(record.digest.slice(0, 12), version);
  // Newest first, so the labels of a step are those of its latest version.
  const newestFirst = [version, ...[...versions.values()].reverse().filter((v) => v !== version)];
  const steps = new EmailSteps();
  for (const v of newestFirst) {
    for (const id of v.graph.order) {
      const step = v.graph.steps[id]?.step;
      if (step?.type === 'email') steps.add(emailInfo(step));
    }
  }
  const zone = version.schedule?.zone ?? version.scenario.spec.schedule?.timezone ?? 'UTC';
  const applied = Number.isFinite(firstApplied) ? Math.floor(firstApplied / 1000) : Math.floor(Date.parse(version.appliedAt) / 1000) || 0;
  return {
    record,
    version,
    versions,
    steps,
    clock: new ZoneClock(zone),
    start: version.schedule?.start ?? applied,
    form: newestFirst.find((v) => v.scenario.spec.form)?.scenario.spec.form?.id,
    columns: contactColumns(newestFirst.map((v) => v.scenario)),
  };
}

function emailInfo(step: EmailStep): EmailStepInfo {
  return { id: step.id, campaign: step.name ?? '', subject: step.subject };
}

/**
 * The contact fields a scenario declares: the built-in ones every contact may have (the
 * template context's, `email` aside: it is the first column), then `spec.fields` of its versions.
 */
function contactColumns(scenarios: readonly Scenario[]): ContactColumn[] {
  const out: ContactColumn[] = [];
  const seen = new Set(['email']);
  const add = (name: string, type: ContactColumn['type']) => {
    if (seen.has(name)) return;
    seen.add(name);
    out.push({ name, type });
  };
  for (const [name, type] of Object.entries(BUILTIN_FIELDS)) add(name, type);
  for (const s of scenarios) for (const [name, type] of Object.entries(s.spec.fields ?? {})) if (type) add(name, type);
  return out;
}
