import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The git revision of the scenario files: `git rev-parse HEAD` where `dir` is in a repository,
 * with `-dirty` when the scenario files have uncommitted changes; '' outside a repository.
 */
export async function gitRevision(dir: string): Promise<string> {
  try {
    const { stdout } = await run('git', ['rev-parse', 'HEAD'], { cwd: dir });
    const head = stdout.trim();
    const { stdout: status } = await run('git', ['status', '--porcelain', '--', '.'], { cwd: dir });
    return status.trim() ? `${head}-dirty` : head;
  } catch {
    return '';
  }
}

/** Fetches and fast-forwards the checkout (`relance run --pull`), like Flux's source controller. */
export async function gitPull(dir: string): Promise<{ before: string; after: string }> {
  const before = await gitRevision(dir);
  await run('git', ['pull', '--ff-only', '--quiet'], { cwd: dir });
  return { before, after: await gitRevision(dir) };
}
