import { compileSchedule } from '../../compile/schedule.js';
import { existsSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compileScenario } from '../../compile/compile-scenario.js';
import { withDefaults } from '../../compile/normalize.js';
import { formatDiagnostics } from '../../diagnostics/format.js';
import { InputNotFoundError, UsageError, ValidationFailedError } from '../../errors.js';
import { discoverScenarioFiles } from '../../load/discover.js';
import { loadScenarioFile } from '../../load/load-scenario.js';
import { formatForecast } from '../../simulate/format.js';
import { simulate as runSimulation } from '../../simulate/simulate.js';
import { parseDateTime } from '../../time/parse.js';
import { TimeZone } from '../../time/zone.js';
import { validatePaths } from '../../validate/validate.js';

export interface SimulateCommandOptions {
  contacts: string;
  days: string;
  seed: string;
  start?: string;
  openRate?: string;
  clickRate?: string;
  replyRate?: string;
  formRate?: string;
  unsubscribeRate?: string;
  json?: boolean;
}

/**
 * `relance simulate SCENARIO`: validates the file (refusing it with file:line:col errors), then
 * prints a forecast of its sends and outcomes. Pure computation: no Redis, nothing is sent.
 */
export async function simulate(target: string, options: SimulateCommandOptions, scenariosDir = 'scenarios'): Promise<void> {
  const file = await resolveScenario(target, scenariosDir);
  const validation = await validatePaths([file], { jobs: 1 });
  if (validation.errors.length > 0 || validation.scenarios.length === 0) {
    process.stderr.write(formatDiagnostics(validation, 'text') + '\n');
    throw new ValidationFailedError(Math.max(1, validation.errors.length));
  }
  if (validation.scenarios.length > 1) throw new UsageError(`${target} holds ${validation.scenarios.length} scenarios: simulate one file at a time`);
  const valid = validation.scenarios[0]!;
  const scenario = withDefaults(valid.scenario);
  const graph = compileScenario(scenario) ?? valid.graph;
  const zone = TimeZone.of(compileSchedule(scenario).zone);
  const forecast = runSimulation(scenario, graph, {
    contacts: count(options.contacts, '--contacts', 1, 10_000_000),
    days: count(options.days, '--days', 1, 3660),
    seed: count(options.seed, '--seed', 0, 2 ** 32 - 1),
    start: startOf(options.start, zone),
    rates: {
      open: rate(options.openRate, '--open-rate'),
      click: rate(options.clickRate, '--click-rate'),
      reply: rate(options.replyRate, '--reply-rate'),
      form: rate(options.formRate, '--form-rate'),
      unsubscribe: rate(options.unsubscribeRate, '--unsubscribe-rate'),
    },
  });
  const shown = relative(process.cwd(), valid.file) || valid.file;
  process.stdout.write((options.json ? JSON.stringify({ file: shown, ...forecast }, null, 2) : formatForecast(forecast, shown)) + '\n');
}

/** A file path, or the name of a scenario under `scenarios/` (file stem or `metadata.name`). */
async function resolveScenario(target: string, dir: string): Promise<string> {
  if (existsSync(target)) {
    if (statSync(target).isDirectory()) throw new UsageError(`${target} is a directory: simulate takes one scenario file`);
    return target;
  }
  for (const ext of ['.yaml', '.yml']) {
    const candidate = join(dir, `${target}${ext}`);
    if (existsSync(candidate)) return candidate;
  }
  if (existsSync(dir)) {
    for (const file of discoverScenarioFiles([dir])) {
      if (loadScenarioFile(file).scenario?.metadata.name === target) return file;
    }
  }
  throw new InputNotFoundError(`${target}: no such file, and no scenario of that name in ${dir}/`);
}

function count(text: string, flag: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < min || value > max) throw new UsageError(`${flag} takes a whole number from ${min} to ${max}, not ${JSON.stringify(text)}`);
  return value;
}

function rate(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1) throw new UsageError(`${flag} takes a fraction from 0 to 1, not ${JSON.stringify(text)}`);
  return value;
}

/** `--start 2026-03-02` or `2026-03-02T09:00` (the scenario's zone) or with an offset; default now. */
function startOf(text: string | undefined, zone: TimeZone): Date {
  if (text === undefined) return new Date(Math.floor(Date.now() / 60_000) * 60_000);
  const ms = parseDateTime(text, zone);
  if (ms === undefined) throw new UsageError(`--start takes a date like 2026-03-02 or 2026-03-02T09:00, not ${JSON.stringify(text)}`);
  return new Date(ms);
}
