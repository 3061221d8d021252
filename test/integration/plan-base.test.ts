import { execFile, execFileSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/types.js';
import { tempDir } from '../helpers/temp-dir.js';

// `relance plan --base` as a real process on a real repository (`npm test` builds dist/ first).
const CLI = join(process.cwd(), 'bin/relance.js');
const EXAMPLES = join(process.cwd(), 'scenarios');
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8', env: GIT_ENV }).trim();

/** The examples committed, then a second commit that changes one delay: `standard`'s second email, 4 days → 6 days. */
async function repo(): Promise<string> {
  const dir = await tempDir({});
  cpSync(EXAMPLES, join(dir, 'scenarios'), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'the examples');
  const file = join(dir, 'scenarios/standard.yaml');
  const before = readFileSync(file, 'utf8');
  const after = before.replace(/(global-1:\n(?:\s+#.*\n)*\s+delay: )4 days/, '$16 days');
  expect(after).not.toBe(before);
  writeFileSync(file, after);
  git(dir, 'commit', '-q', '-am', 'standard: second email two days later');
  return dir;
}

interface Run { code: number; stdout: string; stderr: string }

/** No REDIS_URL (unless given): the diff of files alone, as a PR's CI without access to production sees it. */
function relance(cwd: string, ...args: string[]): Promise<Run> {
  return relanceWith({}, cwd, ...args);
}

function relanceWith(extra: Record<string, string>, cwd: string, ...args: string[]): Promise<Run> {
  const { REDIS_URL: _, ...rest } = process.env;
  const env = { ...rest, ...extra };
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { cwd, env, encoding: 'utf8' }, (err, stdout, stderr) => {
      done({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const unchangedCount = (text: string) => Number(/^= unchanged \((\d+)\)/m.exec(text)?.[1] ?? 0);

describe('relance plan --base REV (real git, the real CLI, no Redis)', () => {
  it('after a commit that changes one delay, prints exactly that change and exits 2; against HEAD, nothing and exits 0', async () => {
    const dir = await repo();
    const [changed, same, fromSub] = await Promise.all([
      relance(dir, 'plan', '--base', 'HEAD~1'),
      relance(dir, 'plan', '--base', 'HEAD'),
      // From a sub-folder, with a path relative to it.
      relance(join(dir, 'scenarios'), 'plan', '--base', 'HEAD~1', 'standard.yaml'),
    ]);

    expect(changed.stderr).toBe('');
    expect(changed.code).toBe(2);
    const lines = changed.stdout.split('\n');
    expect(lines[0]).toMatch(/^relance plan --base HEAD~1: a diff of the files at HEAD~1 \([0-9a-f]{7}, base\) and the working tree, not of the running state$/);
    const total = unchangedCount(same.stdout);
    expect(total).toBeGreaterThan(1);
    // One block, for standard: the one step, the campaign it comes from; everything else unchanged.
    const block = changed.stdout.slice(changed.stdout.indexOf('~ update'), changed.stdout.indexOf('= unchanged')).trim().split('\n');
    expect(block[0]).toMatch(/^~ update {3}standard {2}[0-9a-f]{12} → [0-9a-f]{12} {2}\(scenarios\/standard\.yaml\)$/);
    expect(block.slice(1)).toEqual([
      '    contacts in progress stay on the old version (pinned); new entrants get the new version',
      '    ~ step wait-global-1 changed: for: 4 days → 6 days',
      '    ~ spec.campaigns.global-1: delay: 4 days → 6 days',
    ]);
    expect(lines.filter((l) => /^[+~‖▶!-] /.test(l))).toHaveLength(1);
    expect(unchangedCount(changed.stdout)).toBe(total - 1);
    expect(changed.stdout).not.toMatch(/= unchanged.*\bstandard\b/);
    expect(lines.at(-2)).toBe(`Plan: 0 to create, 1 to update, 0 to pause, 0 to resume, 0 to archive, ${total - 1} unchanged. Contacts affected: counted against the running state only (REDIS_URL).`);

    expect(same.code).toBe(0);
    expect(same.stdout).toContain(`Plan: 0 to create, 0 to update, 0 to pause, 0 to resume, 0 to archive, ${total} unchanged.`);

    expect(fromSub.code).toBe(2);
    expect(fromSub.stdout).toMatch(/~ update {3}standard {2}\S+ → \S+ {2}\(standard\.yaml\)\n.*\n {4}~ step wait-global-1 changed: for: 4 days → 6 days\n/);
  });

  it('shows a deleted file, a new file and a suspend, in text and in JSON with the base label', async () => {
    const dir = await repo();
    rmSync(join(dir, 'scenarios/quick.yaml'));
    writeFileSync(join(dir, 'scenarios/welcome-again.yaml'), readFileSync(join(dir, 'scenarios/welcome.yaml'), 'utf8').replace(/^ {2}name: welcome$/m, '  name: welcome-again'));
    const deep = join(dir, 'scenarios/deep.yaml');
    writeFileSync(deep, readFileSync(deep, 'utf8').replace(/^spec:$/m, 'spec:\n  suspend: true'));

    const [text, json] = await Promise.all([relance(dir, 'plan', '--base', 'HEAD'), relance(dir, 'plan', '--base', 'HEAD', '--json')]);
    expect(text.code).toBe(2);
    expect(text.stdout).toContain('‖ pause    deep  (scenarios/deep.yaml)  (contacts in progress stop where they are)');
    expect(text.stdout).toContain('! keep     quick  (scenarios/quick.yaml)  (running at the base)\n    file deleted, but the scenario still runs: archive it with `relance apply --prune`');
    expect(text.stdout).toContain('+ create   welcome-again  (scenarios/welcome-again.yaml)');
    expect(text.stdout).toMatch(/Plan: 1 to create, 0 to update, 1 to pause, 0 to resume, 0 to archive, \d+ unchanged\. 1 deleted but kept \(prune guard\)\. Contacts affected: counted against the running state only \(REDIS_URL\)\./);

    expect(json.code).toBe(2);
    const plan = JSON.parse(json.stdout) as Plan;
    expect(plan.base).toEqual({ revision: 'HEAD', commit: git(dir, 'rev-parse', 'HEAD'), kind: 'files', invalid: [] });
    const actions = Object.fromEntries(plan.changes.filter((c) => !c.actions.includes('unchanged')).map((c) => [c.name, c.actions]));
    expect(actions).toEqual({ deep: ['pause'], quick: ['keep'], 'welcome-again': ['create'] });
  });

  it('with REDIS_URL set, the diff of files and then the real plan, with contacts affected', async () => {
    const dir = await repo();
    // A prefix nobody uses: the running state is empty, so the real plan creates everything. `plan` only reads.
    const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const run = await relanceWith({ REDIS_URL: redisUrl, RELANCE_PREFIX: `test-plan-base-${process.pid}-${Date.now()}` }, dir, 'plan', '--base', 'HEAD~1');
    expect(run.code).toBe(2);
    const [files, real] = run.stdout.split(/\n(?=relance plan: revision )/);
    expect(files).toMatch(/^relance plan --base HEAD~1: a diff of the files/);
    expect(files).toContain('~ update   standard');
    expect(real).toMatch(/^relance plan: revision [0-9a-f]{40} against running state #0/);
    expect(real).toMatch(/\+ create {3}standard .*\n.*\n {4}entry: lists cfo-saas-north-america-2026: 0 contacts affected \(valid address, not suppressed\)/);
  });

  it('an unknown revision: exit 1, one clear line, no stack', async () => {
    const dir = await repo();
    const run = await relance(dir, 'plan', '--base', 'no-such-branch');
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`relance: unknown revision no-such-branch: no commit by that name in ${dir}\n`);
  });

  it('apply refuses a diff of files saved as JSON, and a plan file cut short, with one line each and nothing applied', async () => {
    const dir = await repo();
    const diff = await relance(dir, 'plan', '--base', 'HEAD~1', '--json');
    writeFileSync(join(dir, 'diff.json'), diff.stdout);
    writeFileSync(join(dir, 'cut.json'), diff.stdout.slice(0, 200));
    writeFileSync(join(dir, 'other.json'), '{"format":1,"changes":[]}');
    const prefix = `test-apply-file-${process.pid}-${Date.now()}`;
    const env = { REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', RELANCE_PREFIX: prefix };
    const applied = await relanceWith(env, dir, 'apply', '--plan', 'diff.json', '--yes');
    expect(applied.code).toBe(65);
    expect(applied.stderr).toBe('relance: diff.json is a diff of files (`plan --base`), made without the running state: it cannot be applied. Save the plan against the running state with `relance plan --out diff.json` (with --base too if you like) and REDIS_URL set\n');
    const cut = await relanceWith(env, dir, 'apply', '--plan', 'cut.json', '--yes');
    expect(cut.code).toBe(65);
    expect(cut.stderr).toMatch(/^relance: cut\.json is not JSON \(.+\): save a plan with `relance plan --out cut\.json`\n$/);
    const other = await relanceWith(env, dir, 'apply', '--plan', 'other.json', '--yes');
    expect(other.code).toBe(65);
    expect(other.stderr).toBe('relance: other.json is not a plan saved by `relance plan --out`: "basis" (the running state it was computed against) is missing or not an integer\n');
    // Nothing was written under the prefix.
    const status = await relanceWith(env, dir, 'plan', 'scenarios');
    expect(status.stdout).toMatch(/against running state #0/);
  });
});

