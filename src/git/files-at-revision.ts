import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { GitReadError } from './errors.js';
import { resolveCommit } from './resolve-commit.js';

const run = promisify(execFile);

export interface RevisionFiles {
  /** The full commit id the revision named. */
  commit: string;
  /** A temporary copy of the repository's layout at that commit, holding only the asked paths. */
  root: string;
  /** The caller's working directory inside `root`: where its relative paths point at that commit. */
  cwd: string;
  /** Repository-relative paths written. */
  files: string[];
  remove(): Promise<void>;
}

interface Entry { mode: string; type: string; oid: string; path: string }

/**
 * The files under `paths` (relative to `cwd`, files or folders) as they were at `rev`, written to
 * a temporary folder with the repository's layout, so relative references between them still
 * resolve. Reads objects straight from git (one `ls-tree`, one `cat-file --batch`): no checkout,
 * no index, no worktree. Paths absent at `rev` are simply not written.
 */
export async function filesAtRevision(cwd: string, rev: string, paths: readonly string[]): Promise<RevisionFiles> {
  const place = await resolveCommit(cwd, rev);
  const specs = paths.map((p) => relative(cwd, resolve(cwd, p)) || '.');
  const { stdout } = await run('git', ['--literal-pathspecs', 'ls-tree', '-r', '-z', '--full-name', place.commit, '--', ...specs], { cwd, maxBuffer: 1 << 28 })
    .catch((err: { stderr?: string }) => {
      // A path outside the repository, mostly.
      throw new GitReadError(`cannot list ${specs.join(', ')} at ${rev}: ${String(err.stderr ?? '').trim().split('\n')[0]}`);
    });
  const entries = stdout.split('\0').filter(Boolean).map(parseEntry).filter((e) => e.type === 'blob');
  const root = await mkdtemp(join(tmpdir(), 'relance-base-'));
  try {
    const blobs = await catBlobs(cwd, entries.map((e) => e.oid));
    for (const [i, entry] of entries.entries()) {
      const target = join(root, entry.path);
      await mkdir(dirname(target), { recursive: true });
      if (entry.mode === '120000') await symlink(blobs[i]!.toString('utf8'), target);
      else await writeFile(target, blobs[i]!);
    }
  } catch (err) {
    await rm(root, { recursive: true, force: true });
    throw err;
  }
  return {
    commit: place.commit,
    root,
    cwd: join(root, place.prefix),
    files: entries.map((e) => e.path),
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

function parseEntry(line: string): Entry {
  const tab = line.indexOf('\t');
  const [mode = '', type = '', oid = ''] = line.slice(0, tab).split(' ');
  return { mode, type, oid, path: line.slice(tab + 1) };
}

/** Every blob's content, in order, from one `git cat-file --batch` process. */
async function catBlobs(cwd: string, oids: string[]): Promise<Buffer[]> {
  if (oids.length === 0) return [];
  const child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<number>((ok, fail) => { child.on('error', fail); child.on('close', ok); });
  child.stdin.end(oids.join('\n') + '\n');
  const code = await done;
  if (code !== 0) throw new GitReadError(`git cat-file --batch exited with ${code}: ${stderr.trim()}`);
  const out = Buffer.concat(chunks);
  const blobs: Buffer[] = [];
  let at = 0;
  for (const oid of oids) {
    const eol = out.indexOf(0x0a, at);
    const header = out.toString('utf8', at, eol).split(' ');
    if (header[1] === 'missing' || header.length < 3) throw new GitReadError(`git cat-file: object ${oid} is missing`);
    const size = Number(header[2]);
    blobs.push(out.subarray(eol + 1, eol + 1 + size));
    at = eol + 1 + size + 1;
  }
  return blobs;
}
