import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { MARKER } from '../../../src/ci/comment-body.js';
import type { PreviewManifest } from '../../../src/preview/manifest.js';
import { ensureBuilt } from '../../helpers/engine.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { email, scenarioYaml } from '../../unit/ci/helpers.js';
import { fakeGitHub, type FakeGitHub } from './fake-github.js';

const ROOT = join(dirname(new URL(import.meta.url).pathname), '..', '..', '..');
const BIN = join(ROOT, 'bin', 'relance.js');
const git = promisify(execFile);

interface Repo { dir: string; base: string; head: string; event: string; summary: string }

/** A scenario repository with two commits: the second changes a wait from 2 to 3 days (the PR). */
async function scenarioRepo(payload: (base: string, head: string) => unknown = prPayload): Promise<Repo> {
  const dir = await tempDir({ 'scenarios/alpha.yaml': scenarioYaml('alpha'), 'scenarios/beta.yaml': scenarioYaml('beta') });
  const run = (...args: string[]) => git('git', ['-c', 'user.email=t@example.test', '-c', 'user.name=t', '-c', 'init.defaultBranch=main', ...args], { cwd: dir });
  await run('init', '-q');
  await run('add', '.');
  await run('commit', '-qm', 'base');
  writeFileSync(join(dir, 'scenarios/alpha.yaml'), scenarioYaml('alpha', '3 days'));
  await run('commit', '-qam', 'longer wait');
  const [base, head] = await Promise.all([run('rev-parse', 'HEAD~1'), run('rev-parse', 'HEAD')]).then((r) => r.map((x) => x.stdout.trim()));
  const event = join(dir, '.event.json');
  writeFileSync(event, JSON.stringify(payload(base!, head!)));
  return { dir, base: base!, head: head!, event, summary: join(dir, '.summary.md') };
}

function prPayload(base: string, head: string, fork = false) {
  return {
    pull_request: {
      number: 7,
      base: { sha: base, repo: { full_name: 'o/r' } },
      head: { sha: head, repo: { full_name: fork ? 'someone/r' : 'o/r', fork } },
    },
  };
}

interface Result { code: number; stdout: string; stderr: string }

/** `relance ci comment` as a workflow runs it: its own process, the Actions variables, nothing inherited from this machine's GitHub setup. */
function comment(repo: Repo, gh: FakeGitHub | undefined, args: string[] = [], env: Record<string, string | undefined> = {}): Promise<Result> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(GITHUB_|GH_|RUNNER_)/.test(k)));
  const vars: Record<string, string | undefined> = {
    ...inherited,
    GITHUB_API_URL: gh?.url ?? 'http://127.0.0.1:9',
    GITHUB_REPOSITORY: 'o/r',
    GITHUB_TOKEN: 'test-token',
    GITHUB_EVENT_PATH: repo.event,
    GITHUB_STEP_SUMMARY: repo.summary,
    GITHUB_RUN_ID: '42',
    ...env,
  };
  for (const [k, v] of Object.entries(vars)) if (v === undefined) delete vars[k];
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'ci', 'comment', 'scenarios', ...args], { cwd: repo.dir, env: vars, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const writes = (gh: FakeGitHub) => gh.requests.filter((r) => r.method === 'POST' || r.method === 'PATCH');
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);
const summaryOf = (repo: Repo) => { try { return readFileSync(repo.summary, 'utf8'); } catch { return ''; } };

beforeAll(async () => { await ensureBuilt(); }, 200_000);

describe('relance ci comment against a GitHub API', () => {
  it('creates one comment, leaves it alone when nothing changed, and edits that same comment after a change', async () => {
    const gh = await fakeGitHub();
    const repo = await scenarioRepo();

    const first = await comment(repo, gh, ['--base', 'HEAD~1', '--artifact-url', 'https://github.test/artifacts/1']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(gh.comments).toHaveLength(1);
    const posted = gh.comments[0]!;
    expect(first.stdout).toBe(`relance ci comment: created comment ${posted.id} on o/r#7: ${posted.html_url}\n`);
    expect(posted.body.split('\n')[0]).toBe(MARKER);
    expect(posted.body).toContain('✅ **2 scenario files valid**');
    // The plan is the files' diff against the base: alpha's wait went from 2 to 3 days.
    expect(posted.body).toMatch(/\| \*\*alpha\*\*.*\| ✏️ update \| ~ step pause changed: for: 2 days → 3 days \|/);
    expect(posted.body).toContain(`base revision \`HEAD~1\` (\`${repo.base.slice(0, 7)}\`)`);
    expect(posted.body).toContain('Unchanged (1): `beta`.');
    expect(posted.body).toContain('### Diagram: alpha');
    expect(posted.body).toContain('  class s_pause changed');
    expect(posted.body).toContain(`commit \`${repo.head.slice(0, 7)}\``);
    expect(gh.requests.every((r) => r.authorization === 'token test-token')).toBe(true);
    expect(gh.requests[0]!.url).toBe('/repos/o/r/issues/7/comments?per_page=100');

    gh.requests.length = 0;
    const second = await comment(repo, gh, ['--base', 'HEAD~1', '--artifact-url', 'https://github.test/artifacts/1']);
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(`relance ci comment: unchanged comment ${posted.id} on o/r#7: ${posted.html_url}\n`);
    expect(writes(gh)).toEqual([]);

    gh.requests.length = 0;
    const third = await comment(repo, gh, ['--base', 'HEAD~1', '--artifact-url', 'https://github.test/artifacts/2', '--previews', await previews(2)]);
    expect(third.code).toBe(0);
    expect(third.stdout).toContain(`updated comment ${posted.id}`);
    expect(writes(gh).map((r) => `${r.method} ${r.url}`)).toEqual([`PATCH /repos/o/r/issues/comments/${posted.id}`]);
    expect(gh.comments).toHaveLength(1);
    expect(gh.comments[0]!.body).toContain('[Download the previews](https://github.test/artifacts/2)');
    // The job summary got the whole review each time (nothing had to be cut).
    expect(summaryOf(repo).split('## 📬 relance: scenario review')).toHaveLength(4);
  });

  it('finds its comment on the second page of 150 and edits it instead of adding one', async () => {
    const gh = await fakeGitHub();
    const repo = await scenarioRepo();
    gh.seed(120);
    const ours = gh.add(`${MARKER}\n## an older review`);
    gh.seed(29);
    const run = await comment(repo, gh);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(gh.requests.filter((r) => r.method === 'GET').map((r) => r.url)).toEqual([
      '/repos/o/r/issues/7/comments?per_page=100',
      '/repos/o/r/issues/7/comments?per_page=100&page=2',
    ]);
    expect(writes(gh).map((r) => `${r.method} ${r.url}`)).toEqual([`PATCH /repos/o/r/issues/comments/${ours.id}`]);
    expect(gh.comments).toHaveLength(150);
    expect(gh.comments.filter((c) => c.body.startsWith(MARKER))).toHaveLength(1);
    // The payload's base sha is the default --base.
    expect(ours.body).toContain(`base revision \`${repo.base.slice(0, 7)}\``);
  });

  it('cuts a comment of more than 80,000 characters at a section and puts the rest in the job summary', async () => {
    const gh = await fakeGitHub();
    const repo = await scenarioRepo();
    const dir = await previews(60);
    const full = await comment(repo, undefined, ['--previews', dir, '--dry-run']);
    expect(full.stdout.length).toBeGreaterThan(80_000);

    const run = await comment(repo, gh, ['--previews', dir, '--artifact-url', 'https://github.test/artifacts/9']);
    expect(run.code).toBe(0);
    const body = gh.comments[0]!.body;
    expect(body.length).toBeLessThanOrEqual(65_536);
    expect(run.stdout).toMatch(/created comment \d+ on o\/r#7 \(cut: \d+ sections in the job summary\)/);
    const cut = body.indexOf('> ✂️ **This comment is cut here**');
    expect(cut).toBeGreaterThan(0);
    // Cut between sections: what precedes the note ends a section, and no table is left open.
    expect(body.slice(0, cut)).toMatch(/\|\n\n$/);
    const summary = summaryOf(repo);
    expect(summary.startsWith('## relance: the rest of the PR comment\n\n### Previews: scenario-')).toBe(true);
    const titles = (text: string) => [...text.matchAll(/^### (Previews: scenario-\d+)$/gm)].map((m) => m[1]);
    expect([...titles(body), ...titles(summary)]).toEqual(titles(full.stdout));
    expect(titles(summary).length).toBeGreaterThan(0);
  });

  it('retries after a 429 with Retry-After, then posts', async () => {
    const gh = await fakeGitHub();
    const repo = await scenarioRepo();
    gh.answerNext({ method: 'GET', status: 429, headers: { 'retry-after': '1' }, body: { message: 'You have exceeded a secondary rate limit' } });
    const run = await comment(repo, gh);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('relance ci comment: GitHub rate limit on GET /repos/o/r/issues/7/comments: retrying in 1 s\n');
    expect(gh.requests.filter((r) => r.method === 'GET')).toHaveLength(2);
    expect(gh.comments).toHaveLength(1);
  });

  it('on a fork\'s pull request, a 403 puts the review in the job summary and the job passes', async () => {
    const gh = await fakeGitHub();
    const repo = await scenarioRepo((b, h) => prPayload(b, h, true));
    gh.answerNext({ method: 'POST', status: 403, body: { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' } });
    const run = await comment(repo, gh);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('relance ci comment: this pull request comes from a fork, whose token may not comment (403): the review is in the job summary instead\n');
    expect(gh.comments).toEqual([]);
    expect(summaryOf(repo)).toContain('## 📬 relance: scenario review');
  });

  it('elsewhere, a 403 is a clear one-line error with exit 77; a 404 and an unreachable API too', async () => {
    const gh = await fakeGitHub();
    const repo = await scenarioRepo();
    gh.answerNext({ method: 'POST', status: 403, body: { message: 'Resource not accessible by integration' } });
    const forbidden = await comment(repo, gh);
    expect(forbidden.code).toBe(77);
    expect(forbidden.stderr).toMatch(/^relance: the token may not comment on o\/r#7 \(403\): give the workflow `permissions: pull-requests: write`.*\(GitHub said: "Resource not accessible by integration"\)$/m);
    noStack(forbidden.stderr);

    const missing = await comment(repo, gh, ['--pr', '404404']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^relance: GitHub found no such repository or pull request when trying to read the comments of o\/r#404404 \(404\)/m);
    noStack(missing.stderr);

    const offline = await comment(repo, undefined);
    expect(offline.code).toBe(69);
    expect(offline.stderr).toMatch(/^relance: cannot reach the GitHub API at http:\/\/127\.0\.0\.1:9 to read the comments of o\/r#7: /m);
    noStack(offline.stderr);
  });

  it('without a token, prints the comment and exits 0 without a request', async () => {
    const gh = await fakeGitHub();
    const repo = await scenarioRepo();
    const run = await comment(repo, gh, [], { GITHUB_TOKEN: undefined });
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(MARKER);
    expect(run.stdout).toContain('### Plan');
    expect(run.stderr).toContain('no GITHUB_TOKEN or GH_TOKEN: printed the comment instead of posting it');
    expect(gh.requests).toEqual([]);
  });
});

/** A preview folder whose manifest lists `scenarios` scenarios of 12 emails each (what `relance preview` writes). */
async function previews(scenarios: number): Promise<string> {
  const manifest: PreviewManifest = {
    format: 1,
    createdAt: '2026-01-05T10:00:00Z',
    screenshots: { taken: false, reason: 'Chromium is not installed' },
    spamScore: { taken: false, reason: 'SpamAssassin is not installed' },
    scenarios: Array.from({ length: scenarios }, (_, s) => ({
      name: `scenario-${s + 1}`,
      file: `scenarios/scenario-${s + 1}.yaml`,
      emails: Array.from({ length: 12 }, (_, e) => email(`step-${e + 1}`, { subject: `Email ${e + 1} of scenario ${s + 1}: a subject of a plausible length`, audience: 'contacts who opened the previous email but did not reply', delay: `${e + 1} days after the previous email` })),
    })),
  };
  return tempDir({ 'manifest.json': JSON.stringify(manifest) });
}
