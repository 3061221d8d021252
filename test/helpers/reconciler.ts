import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterEach } from 'vitest';
import { applyPlan } from '../../src/apply/apply.js';
import { makePlan } from '../../src/plan/make-plan.js';
import type { Plan } from '../../src/plan/types.js';
import type { Keys } from '../../src/state/keys.js';
import { validatePaths } from '../../src/validate/validate.js';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

/** A scratch copy of some example scenarios (with their templates) that a test may edit. */
export function scenarioDir(names: string[]): { dir: string; edit(file: string, from: string | RegExp, to: string): void; remove(file: string): void } {
  const dir = mkdtempSync(join(tmpdir(), 'relance-scn-'));
  dirs.push(dir);
  for (const name of names) {
    const text = readFileSync(join('scenarios', `${name}.yaml`), 'utf8');
    writeFileSync(join(dir, `${name}.yaml`), text);
    for (const m of text.matchAll(/template: ([A-Za-z0-9_.-]+)\//g)) cpSync(join('scenarios', m[1]!), join(dir, m[1]!), { recursive: true });
  }
  return {
    dir,
    edit(file, from, to) {
      const path = join(dir, file);
      const text = readFileSync(path, 'utf8');
      const next = text.replace(from, to);
      if (next === text) throw new Error(`edit of ${file} changed nothing`);
      writeFileSync(path, next);
    },
    remove(file) { rmSync(join(dir, file)); },
  };
}

export async function planFor(redis: Redis, keys: Keys, dir: string, prune = false): Promise<Plan> {
  const validation = await validatePaths([dir]);
  if (validation.errors.length) throw new Error(JSON.stringify(validation.errors, null, 1));
  return makePlan(redis, keys, validation, { paths: [dir], prune });
}

export async function planAndApply(redis: Redis, keys: Keys, dir: string, prune = false) {
  return applyPlan(redis, keys, await planFor(redis, keys, dir, prune));
}

/** Writes contacts straight into the store (the CSV importer has tests of its own). */
export async function seedContacts(redis: Redis, keys: Keys, list: string, contacts: Array<Record<string, unknown>>, startId = 1): Promise<void> {
  const tx = redis.multi();
  contacts.forEach((c, i) => {
    const id = String(startId + i);
    tx.hset(keys.contactIds(), String(c.email), id).hset(keys.contactData(), id, JSON.stringify(c)).sadd(keys.list(list), id);
  });
  tx.sadd(keys.lists(), list).set(keys.contactSeq(), startId + contacts.length - 1);
  await tx.exec();
}

/** Contacts that match the standard example's segment (US/CA, 50+ employees, not customers). */
export function prospects(n: number, from = 1): Array<Record<string, unknown>> {
  return Array.from({ length: n }, (_, i) => ({ email: `cfo${from + i}@prospect${from + i}.example`, firstName: `Alex${from + i}`, country: 'US', companySize: '120' }));
}
