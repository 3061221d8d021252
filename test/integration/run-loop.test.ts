import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readScenarioRecord } from '../../src/state/scenario-store.js';
import { REDIS_URL, testRedis } from '../helpers/redis.js';

// `relance run` as a real process (the build is made by `npm test` before vitest runs).
const CLI = join(process.cwd(), 'bin/relance.js');
const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' } }).trim();
}

/** A remote with the welcome example, and a checkout of it for `relance run --pull`. */
function repos(): { remote: string; work: string; checkout: string } {
  const root = mkdtempSync(join(tmpdir(), 'relance-run-'));
  dirs.push(root);
  const remote = join(root, 'remote.git');
  const work = join(root, 'work');
  const checkout = join(root, 'checkout');
  git(root, 'init', '-q', '--bare', '-b', 'main', remote);
  git(root, 'clone', '-q', remote, work);
  cpSync('scenarios/welcome.yaml', join(work, 'welcome.yaml'));
  cpSync('scenarios/welcome', join(work, 'welcome'), { recursive: true });
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', 'welcome');
  git(work, 'push', '-q', 'origin', 'HEAD:main');
  git(root, 'clone', '-q', remote, checkout);
  return { remote, work, checkout };
}

function runProcess(checkout: string, prefix: string) {
  const child = spawn(process.execPath, [CLI, 'run', checkout, '--interval', '1s', '--pull', '--no-worker', '--no-serve'], {
    env: { ...process.env, REDIS_URL, RELANCE_PREFIX: prefix }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let logs = '';
  child.stdout.on('data', (d: Buffer) => { logs += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { logs += d.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, logs: () => logs };
}

async function until(check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('relance run', () => {
  it('applies the checkout, pulls a new revision and applies it, and stops cleanly on SIGTERM', async () => {
    const { redis, keys } = testRedis();
    const { work, checkout } = repos();
    const run = runProcess(checkout, keys.prefix.slice(1, -1));
    try {
      await until(async () => (await readScenarioRecord(redis, keys, 'welcome'))?.state === 'running');
      const first = (await readScenarioRecord(redis, keys, 'welcome'))!;
      expect(first.revision).toBe(git(checkout, 'rev-parse', 'HEAD'));

      // A merged pull request: the next pass pulls it and applies the new version.
      const file = join(work, 'welcome.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('for: 7 days', 'for: 5 days'));
      git(work, 'commit', '-q', '-am', 'shorter wait');
      git(work, 'push', '-q', 'origin', 'HEAD:main');
      const pushed = git(work, 'rev-parse', 'HEAD');
      await until(async () => (await readScenarioRecord(redis, keys, 'welcome'))?.revision === pushed);
      expect((await readScenarioRecord(redis, keys, 'welcome'))!.digest).not.toBe(first.digest);
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
    const lines = run.logs().trim().split('\n').map((l) => JSON.parse(l) as { msg: string });
    expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(['relance run started', 'pulled a new revision', 'applied', 'stopping after the current pass', 'relance run stopped']));
  }, 60_000);

  it('keeps the running version when a pulled revision is invalid', async () => {
    const { redis, keys } = testRedis();
    const { work, checkout } = repos();
    const run = runProcess(checkout, keys.prefix.slice(1, -1));
    try {
      await until(async () => (await readScenarioRecord(redis, keys, 'welcome'))?.state === 'running');
      const before = (await readScenarioRecord(redis, keys, 'welcome'))!;
      const file = join(work, 'welcome.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace('type: wait', 'type: wiat'));
      git(work, 'commit', '-q', '-am', 'broken');
      git(work, 'push', '-q', 'origin', 'HEAD:main');
      await until(async () => run.logs().includes('scenario files are invalid'));
      expect((await readScenarioRecord(redis, keys, 'welcome'))!).toMatchObject({ digest: before.digest, revision: before.revision });
    } finally {
      run.child.kill('SIGTERM');
    }
    expect(await run.exited).toBe(0);
  }, 60_000);
});
