import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { filesAtRevision, type RevisionFiles } from '../git/files-at-revision.js';
import { resolveCommit } from '../git/resolve-commit.js';
import { gitRevision } from '../git/revision.js';
import { validatePaths, type ValidationResult } from '../validate/validate.js';
import { snapshotOfFiles } from './base-snapshot.js';
import { computePlan } from './compute-plan.js';
import { desiredScenario } from './desired-state.js';
import type { Plan } from './types.js';

export interface BasePlanOptions {
  prune?: boolean;
  now?: Date;
  /** The working tree's validation, when the caller already has it (the CLI printed it). */
  validation?: ValidationResult;
}

/**
 * `plan --base REV`: the scenario files at a git revision against the working tree, worded as
 * `plan` words a change, without Redis. Base files that do not validate count as absent (listed
 * in `base.invalid`); working-tree files that do not validate are left out, with a problem each.
 */
export async function planFromRevision(paths: string[], rev: string, options: BasePlanOptions = {}): Promise<Plan> {
  const cwd = process.cwd();
  const head = options.validation ?? (await validatePaths(paths));
  const base = await readBase(paths, rev);
  try {
    const headInvalid = invalidFiles(head, cwd);
    const baseDesired = base.validation.scenarios.map((s) => desiredScenario(s, cwd)).filter((d) => !headInvalid.includes(d.file));
    const plan = computePlan({
      desired: head.scenarios.map((s) => desiredScenario(s, cwd)),
      running: snapshotOfFiles(baseDesired, base.files.commit),
      revision: await gitRevision(folderOf(paths[0] ?? '.')),
      prune: options.prune ?? false,
      affected: new Map(),
      now: options.now,
    });
    plan.problems.push(...headInvalid.map((file) => `${file} does not validate: left out of this diff`));
    const { format, createdAt, revision, ...rest } = plan;
    const invalid = invalidFiles(base.validation, cwd);
    return { format, createdAt, revision, base: { revision: rev, commit: base.files.commit, kind: 'files', invalid }, ...rest };
  } finally {
    await base.files.remove();
  }
}

/** Fails fast on a revision git does not know, before any file is read (the CLI checks this first). */
export async function checkRevision(paths: string[], rev: string): Promise<string> {
  return (await resolveCommit(resolve(folderOf(paths[0] ?? '.')), rev)).commit;
}

/**
 * The base's copy of the paths, validated. The repository is the one holding the first path (the
 * command may run from outside it); templates are read from the folders around the paths.
 */
async function readBase(paths: string[], rev: string): Promise<{ files: RevisionFiles; validation: ValidationResult }> {
  const anchor = resolve(folderOf(paths[0] ?? '.'));
  const around = paths.map((p) => resolve(folderOf(p)));
  let files = await filesAtRevision(anchor, rev, around);
  let validation = await validateAt(files, anchor, paths).catch(removing(files));
  if (validation.errors.some((d) => d.code === 'missing-template')) {
    // A template outside those folders (`a/../../shared/…`): read the whole repository and look again.
    await files.remove();
    files = await filesAtRevision(anchor, rev, [relative(files.cwd, files.root) || '.']);
    validation = await validateAt(files, anchor, paths).catch(removing(files));
  }
  // Named by where they sit in the working tree, so a file is the same file on both sides.
  const back = (file: string) => resolve(anchor, relative(files.cwd, file));
  const named = { ...validation, files: validation.files.map(back), scenarios: validation.scenarios.map((s) => ({ ...s, file: back(s.file) })) };
  return { files, validation: named };
}

/** Leaves no temporary copy behind when validating it fails. */
const removing = (files: RevisionFiles) => async (err: unknown): Promise<never> => {
  await files.remove();
  throw err;
};

const folderOf = (p: string) => (existsSync(p) && statSync(p).isDirectory() ? p : dirname(p));

/** Validates the base's copy of each path that existed at the base (a new folder did not). */
async function validateAt(files: RevisionFiles, anchor: string, paths: string[]): Promise<ValidationResult> {
  const there = paths.map((p) => join(files.cwd, relative(anchor, resolve(p)))).filter((p) => existsSync(p));
  if (there.length === 0) return { files: [], scenarios: [], errors: [], warnings: [] };
  return validatePaths(there);
}

/** Scenario files that were read but gave no valid scenario, relative to `cwd` (as `validate` names them). */
function invalidFiles(validation: ValidationResult, cwd: string): string[] {
  const valid = new Set(validation.scenarios.map((s) => s.file));
  return validation.files.filter((f) => !valid.has(f)).map((f) => relative(cwd, f) || f);
}
