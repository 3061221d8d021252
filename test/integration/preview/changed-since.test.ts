import { execFileSync } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { changedFiles } from '../../../src/git/changed-files.js';
import { NotAGitRepositoryError } from '../../../src/git/errors.js';
import { ensureBuilt } from '../../helpers/engine.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { FILES, readManifest, relance, SCENARIO } from './fixture.js';

beforeAll(async () => {
  await ensureBuilt();
}, 240_000);

/** A repository holding the fixture and a second scenario with templates of its own, committed. */
async function repository(): Promise<string> {
  const other = SCENARIO.replace('name: preview-fixture', 'name: other').replaceAll('template: mails/', 'template: other/');
  const dir = await tempDir({
    ...FILES,
    'scenarios/other.yaml': other,
    'scenarios/other/hello.html.hbs': FILES['scenarios/mails/hello.html.hbs']!,
    'scenarios/other/hello.fr.html.hbs': FILES['scenarios/mails/hello.fr.html.hbs']!,
    'scenarios/other/nudge.html.hbs': FILES['scenarios/mails/nudge.html.hbs']!,
    '.gitignore': 'previews/\n',
  });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  git('init', '-q');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'scenarios');
  return dir;
}

describe('relance preview --changed-since', () => {
  it('previews only the scenarios whose file or templates changed since the revision, untracked files included', async () => {
    const dir = await repository();
    const unchanged = await relance(['preview', 'scenarios', '--out', 'previews', '--changed-since', 'HEAD', '--no-screenshots', '--no-spam-score'], { cwd: dir });
    expect(unchanged.code).toBe(0);
    expect(readManifest(join(dir, 'previews')).scenarios).toEqual([]);

    // A language variant's template of `other` changes; a new scenario is not committed yet.
    appendFileSync(join(dir, 'scenarios/other/hello.fr.html.hbs'), '<p>P.-S. : nouveau.</p>\n');
    writeFileSync(join(dir, 'scenarios/new.yaml'), SCENARIO.replace('name: preview-fixture', 'name: brand-new'));
    const run = await relance(['preview', 'scenarios', '--out', 'previews', '--changed-since', 'HEAD', '--no-screenshots', '--no-spam-score'], { cwd: dir });
    expect(run.code).toBe(0);
    const manifest = readManifest(join(dir, 'previews'));
    expect(manifest.changedSince).toBe('HEAD');
    expect(manifest.scenarios.map((s) => s.name).sort()).toEqual(['brand-new', 'other']);
  });

  it('explains a revision git does not know, without a stack trace', async () => {
    const dir = await repository();
    const run = await relance(['preview', 'scenarios', '--out', 'previews', '--changed-since', 'no-such-branch', '--no-screenshots', '--no-spam-score'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`relance: unknown revision no-such-branch: no commit by that name in ${dir}\n`);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('changedFiles', () => {
  it('lists changed, deleted and untracked files as absolute paths, from a subfolder too', async () => {
    const dir = await repository();
    appendFileSync(join(dir, 'scenarios/mails/nudge.html.hbs'), '<p>more</p>\n');
    execFileSync('git', ['rm', '-q', 'scenarios/other/nudge.html.hbs'], { cwd: dir });
    writeFileSync(join(dir, 'scenarios/untracked.txt'), 'x');
    const files = await changedFiles('HEAD', join(dir, 'scenarios'));
    expect([...files].sort()).toEqual([join(dir, 'scenarios/mails/nudge.html.hbs'), join(dir, 'scenarios/other/nudge.html.hbs'), join(dir, 'scenarios/untracked.txt')].sort());
  });

  it('refuses a folder outside any repository', async () => {
    const dir = await tempDir({ 'a.txt': 'a' });
    await expect(changedFiles('HEAD', dir)).rejects.toThrow(NotAGitRepositoryError);
  });
});
