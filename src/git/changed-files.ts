import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { GitReadError, NotAGitRepositoryError } from './errors.js';
import { resolveCommit } from './resolve-commit.js';

const run = promisify(execFile);

/**
 * Files that differ from `rev` in the working tree of the repository holding `cwd`: changed,
 * added or deleted since `rev` (committed or not), plus untracked files that are not ignored.
 * Absolute paths, so callers compare them with the paths they resolved themselves. An unknown
 * revision, or one a shallow clone lacks, is said as resolveCommit says it.
 */
export async function changedFiles(rev: string, cwd = process.cwd()): Promise<Set<string>> {
  let commit: string;
  let top: string;
  try {
    ({ commit, top } = await resolveCommit(cwd, rev));
  } catch (err) {
    if (err instanceof NotAGitRepositoryError) throw new NotAGitRepositoryError(`${cwd} is not inside a git repository: --changed-since needs the scenario files' history`);
    throw err;
  }
  const git = async (args: string[]) => (await run('git', args, { cwd: top, maxBuffer: 1 << 26 })).stdout;
  let names: string[];
  try {
    const [diff, untracked] = await Promise.all([
      git(['diff', '--name-only', '-z', '--no-renames', commit, '--']),
      git(['ls-files', '--others', '--exclude-standard', '-z']),
    ]);
    names = [...diff.split('\0'), ...untracked.split('\0')].filter(Boolean);
  } catch (err) {
    const detail = String((err as { stderr?: string }).stderr ?? '').trim().split('\n')[0] || (err as Error).message;
    throw new GitReadError(`git cannot list the files changed since ${rev}: ${detail}`);
  }
  return new Set(names.map((name) => resolve(top, name)));
}
