import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { NotAGitRepositoryError, RevisionNotFetchedError, UnknownRevisionError } from './errors.js';

const run = promisify(execFile);

export interface RepoPlace {
  /** The full commit id `rev` names. */
  commit: string;
  /** The repository's top folder, and where `cwd` sits inside it (`sub/dir/`, or ''). */
  top: string;
  prefix: string;
}

/** Names `rev` as a commit of the repository holding `cwd`, or says clearly why it cannot. */
export async function resolveCommit(cwd: string, rev: string): Promise<RepoPlace> {
  const git = async (args: string[]) => (await run('git', args, { cwd })).stdout.trim();
  let top: string;
  let prefix: string;
  try {
    [top, prefix] = [await git(['rev-parse', '--show-toplevel']), await git(['rev-parse', '--show-prefix'])];
  } catch {
    throw new NotAGitRepositoryError(`${cwd} is not inside a git repository: --base needs the scenario files' history`);
  }
  // A revision that starts with a dash would be read as an option.
  if (rev.startsWith('-')) throw new UnknownRevisionError(`unknown revision ${rev}`);
  const commit = await git(['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]).catch(() => '');
  if (commit) return { commit, top, prefix };
  if ((await git(['rev-parse', '--is-shallow-repository']).catch(() => '')) === 'true') {
    const one = /^[0-9a-f]{7,40}$/i.test(rev) ? rev : '<base sha>';
    throw new RevisionNotFetchedError(
      `unknown revision ${rev}: this clone is shallow and does not hold it; fetch the history (actions/checkout with \`fetch-depth: 0\`, or \`git fetch --unshallow\`) or just the base commit (\`git fetch origin ${one}\`)`,
    );
  }
  throw new UnknownRevisionError(`unknown revision ${rev}: no commit by that name in ${top}`);
}
