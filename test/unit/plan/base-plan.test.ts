import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotAGitRepositoryError, RevisionNotFetchedError, UnknownRevisionError } from '../../../src/git/errors.js';
import { filesAtRevision } from '../../../src/git/files-at-revision.js';
import { planFromRevision } from '../../../src/plan/base-plan.js';
import { formatPlan } from '../../../src/plan/format-plan.js';
import type { Plan } from '../../../src/plan/types.js';
import { tempDir } from '../../helpers/temp-dir.js';

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8', env: GIT_ENV }).trim();

/** A scenario whose one email reads a template `template` (relative to the scenario file). */
const scenario = (name: string, template: string, extra = '') => `apiVersion: relance/v1
kind: Scenario
metadata:
  name: ${name}
${extra}spec:
  entry:
    lists: [newsletter]
  sender:
    email: hello@acme.test
  steps:
    - id: hello
      type: email
      template: ${template}
      subject: Hello
    - id: pause
      type: wait
      for: 2 days
    - id: bye
      type: exit
      outcome: end
`;
const TEMPLATE = '<p>Hello {{firstName}}</p><p><a href="{{unsubscribeUrl}}">Unsubscribe</a></p>\n';

async function repo(files: Record<string, string>): Promise<string> {
  const dir = await tempDir(files);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  return dir;
}

const actionsOf = (plan: Plan) => Object.fromEntries(plan.changes.map((c) => [c.name, c.actions.join(',')]));

describe('planFromRevision: the files at a revision against the working tree', () => {
  it('counts a base file that did not validate as absent, and says so', async () => {
    const dir = await repo({ 'scenarios/a.yaml': scenario('a', 'a/hello').replace('kind: Scenario', 'kind: Scenari'), 'scenarios/a/hello.html.hbs': TEMPLATE });
    writeFileSync(join(dir, 'scenarios/a.yaml'), scenario('a', 'a/hello'));
    const plan = await planFromRevision([join(dir, 'scenarios')], 'HEAD');
    expect(actionsOf(plan)).toEqual({ a: 'create' });
    expect(plan.base).toMatchObject({ revision: 'HEAD', kind: 'files' });
    expect(plan.base!.invalid).toHaveLength(1);
    expect(plan.base!.invalid[0]).toMatch(/scenarios\/a\.yaml$/);
    expect(formatPlan(plan)).toContain('note: at the base (HEAD) these files did not validate and count as absent');
  });

  it('creates everything when the scenario folder did not exist at the base', async () => {
    const dir = await repo({ 'README.md': 'hello\n' });
    mkdirSync(join(dir, 'scenarios/a'), { recursive: true });
    writeFileSync(join(dir, 'scenarios/a.yaml'), scenario('a', 'a/hello'));
    writeFileSync(join(dir, 'scenarios/a/hello.html.hbs'), TEMPLATE);
    const plan = await planFromRevision([join(dir, 'scenarios')], 'HEAD');
    expect(actionsOf(plan)).toEqual({ a: 'create' });
    const text = formatPlan(plan);
    expect(text).toContain('entry: lists newsletter; contacts affected: counted against the running state only (REDIS_URL)');
    expect(text).not.toMatch(/\b0 contacts?\b/);
  });

  it('reads a template that climbs out of the given folder at the base too', async () => {
    // The schema wants a path that starts inside the folder, but `a/../../shared` still leaves it.
    const dir = await repo({ 'scenarios/a.yaml': scenario('a', 'a/../../shared/hello'), 'shared/hello.html.hbs': TEMPLATE });
    const plan = await planFromRevision([join(dir, 'scenarios')], 'HEAD');
    expect(plan.base!.invalid).toEqual([]);
    expect(actionsOf(plan)).toEqual({ a: 'unchanged' });
  });

  it('archives a deleted file whose last version carried the prune annotation, keeps the others; resumes what the base suspended', async () => {
    const annotated = '  annotations:\n    relance.dev/prune: confirm\n';
    const dir = await repo({
      'scenarios/a.yaml': scenario('a', 'a/hello', annotated), 'scenarios/b.yaml': scenario('b', 'a/hello'),
      'scenarios/c.yaml': scenario('c', 'a/hello'), 'scenarios/d.yaml': scenario('d', 'a/hello').replace('spec:\n', 'spec:\n  suspend: true\n'),
      'scenarios/a/hello.html.hbs': TEMPLATE,
    });
    rmSync(join(dir, 'scenarios/a.yaml'));
    rmSync(join(dir, 'scenarios/b.yaml'));
    writeFileSync(join(dir, 'scenarios/d.yaml'), scenario('d', 'a/hello'));
    const plan = await planFromRevision([join(dir, 'scenarios')], 'HEAD');
    expect(actionsOf(plan)).toEqual({ a: 'archive', b: 'keep', c: 'unchanged', d: 'resume' });
    expect(plan.changes.find((c) => c.name === 'a')!.notes).toEqual(['file deleted; archiving confirmed by its relance.dev/prune annotation']);
  });
});

describe('filesAtRevision: git plumbing, no scenarios', () => {
  it('writes the files under the paths as they were, in the repository layout, relative to a sub-folder', async () => {
    const dir = await repo({ 'sub/a/x.txt': 'one\n', 'sub/b/y.txt': 'two\n', 'other/z.txt': 'three\n' });
    writeFileSync(join(dir, 'sub/a/x.txt'), 'changed\n');
    const files = await filesAtRevision(join(dir, 'sub'), 'HEAD', ['a', '../other']);
    try {
      expect(files.files.sort()).toEqual(['other/z.txt', 'sub/a/x.txt']);
      expect(files.cwd).toBe(join(files.root, 'sub/'));
      expect(execFileSync('cat', [join(files.cwd, 'a/x.txt')], { encoding: 'utf8' })).toBe('one\n');
      expect(files.commit).toMatch(/^[0-9a-f]{40}$/);
    } finally {
      await files.remove();
    }
  });

  it('names what is wrong: no repository, no such revision, a shallow clone without the base', async () => {
    const plain = await tempDir({ 'a.txt': 'x\n' });
    await expect(filesAtRevision(plain, 'HEAD', ['.'])).rejects.toBeInstanceOf(NotAGitRepositoryError);
    const dir = await repo({ 'a.txt': 'x\n' });
    const error = await filesAtRevision(dir, 'nope', ['.']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownRevisionError);
    expect(error).toMatchObject({ code: 'UNKNOWN_REVISION', exitCode: 1, message: expect.stringMatching(/^unknown revision nope\b/) });
    writeFileSync(join(dir, 'a.txt'), 'y\n');
    git(dir, 'commit', '-q', '-am', 'two');
    const clone = await tempDir({});
    git(clone, 'clone', '-q', '--depth', '1', `file://${dir}`, 'c');
    const shallow = await filesAtRevision(join(clone, 'c'), 'HEAD~1', ['.']).catch((e: unknown) => e);
    expect(shallow).toBeInstanceOf(RevisionNotFetchedError);
    expect((shallow as Error).message).toContain('fetch-depth: 0');
  });
});

describe('a step property only one side has', () => {
  it('is worded as added, not a crash', async () => {
    const dir = await repo({ 'scenarios/s.yaml': scenario('s', 's/hello'), 'scenarios/s/hello.html.hbs': TEMPLATE });
    writeFileSync(join(dir, 'scenarios/s.yaml'), scenario('s', 's/hello').replace('      subject: Hello\n', '      subject: Hello\n      preheader: A short line\n'));
    const plan = await planFromRevision([join(dir, 'scenarios')], 'HEAD');
    expect(actionsOf(plan)).toEqual({ s: 'update' });
    expect(plan.changes[0]!.steps).toEqual([expect.objectContaining({ id: 'hello', change: 'changed', details: ['preheader: (none) → A short line'] })]);
  });
});
