import { describe, expect, it } from 'vitest';
import { CiContextError, GitHubAuthError, GitHubForbiddenError, GitHubNotFoundError, GitHubRateLimitError, GitHubRejectedError, GitHubUnavailableError } from '../../../src/ci/errors.js';
import { readCiContext, requireTarget } from '../../../src/ci/github-context.js';
import { mapGitHubError, rateLimitWait, type HttpErrorLike } from '../../../src/ci/map-error.js';
import { tempDir } from '../../helpers/temp-dir.js';

const http = (status: number, headers: Record<string, string> = {}, message = 'Nope - https://docs.github.com/x'): HttpErrorLike => ({ status, message, response: { headers } });
const API = 'https://api.github.com';

describe('GitHub errors', () => {
  it('reads a rate limit from Retry-After, or from x-ratelimit-reset when none remain', () => {
    expect(rateLimitWait(http(429, { 'retry-after': '7' }))).toBe(7);
    expect(rateLimitWait(http(403, { 'retry-after': '1' }))).toBe(1);
    expect(rateLimitWait(http(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1030' }), 1_000_000)).toBe(30);
    expect(rateLimitWait(http(403, { 'x-ratelimit-remaining': '12' }))).toBeUndefined();
    expect(rateLimitWait(http(404, { 'retry-after': '1' }))).toBeUndefined();
  });

  it('maps each status to a named error with one sentence and an exit code', () => {
    const cases: Array<[HttpErrorLike, new (...a: never[]) => Error, RegExp, number]> = [
      [http(401), GitHubAuthError, /refused the token \(401\).*GITHUB_TOKEN/, 77],
      [http(403), GitHubForbiddenError, /may not comment on o\/r#1 \(403\).*pull-requests: write/, 77],
      [http(404), GitHubNotFoundError, /no such repository or pull request/, 1],
      [http(422), GitHubRejectedError, /rejected the comment \(422\)/, 65],
      [http(429, { 'retry-after': '3600' }), GitHubRateLimitError, /rate limit.*about 3600 s/, 75],
      [http(502), GitHubUnavailableError, /failed \(502\)/, 69],
      [{ status: 500, message: 'connect ECONNREFUSED 127.0.0.1:9' }, GitHubUnavailableError, /cannot reach the GitHub API at https:\/\/api\.github\.com.*ECONNREFUSED/, 69],
    ];
    for (const [err, type, message, exitCode] of cases) {
      const mapped = mapGitHubError(err, API, 'comment on o/r#1');
      expect(mapped).toBeInstanceOf(type);
      expect(mapped.message).toMatch(message);
      expect(mapped.message).not.toContain('\n');
      expect(mapped.message).not.toContain('docs.github.com');
      expect(mapped.exitCode).toBe(exitCode);
    }
  });
});

describe('the Actions context', () => {
  it('takes the PR, base and head from a pull_request payload, and sees a fork', async () => {
    const dir = await tempDir({ 'event.json': JSON.stringify({ pull_request: { number: 12, base: { sha: 'b1', repo: { full_name: 'o/r' } }, head: { sha: 'h1', repo: { full_name: 'someone/r', fork: true } } } }) });
    const ctx = readCiContext({ GITHUB_EVENT_PATH: `${dir}/event.json`, GITHUB_REPOSITORY: 'o/r', GH_TOKEN: 't', GITHUB_API_URL: 'https://ghe.example/api/v3/', GITHUB_RUN_ID: '9' });
    expect(ctx).toMatchObject({ owner: 'o', repo: 'r', pr: 12, baseSha: 'b1', headSha: 'h1', fromFork: true, token: 't', apiUrl: 'https://ghe.example/api/v3', runUrl: 'https://github.com/o/r/actions/runs/9' });
    expect(readCiContext({ GITHUB_EVENT_PATH: `${dir}/event.json` }, '40').pr).toBe(40);
  });

  it('takes the PR of an issue_comment on a pull request, and refuses to post without one', async () => {
    const dir = await tempDir({ 'comment.json': JSON.stringify({ issue: { number: 5, pull_request: { url: 'x' } } }), 'push.json': JSON.stringify({ ref: 'refs/heads/main' }) });
    expect(readCiContext({ GITHUB_EVENT_PATH: `${dir}/comment.json` }).pr).toBe(5);
    const push = readCiContext({ GITHUB_EVENT_PATH: `${dir}/push.json`, GITHUB_REPOSITORY: 'o/r' });
    expect(() => requireTarget(push)).toThrow(CiContextError);
    expect(() => requireTarget(push)).toThrow(/pass --pr/);
    expect(() => requireTarget(readCiContext({}, '3'))).toThrow(/GITHUB_REPOSITORY/);
    expect(() => readCiContext({}, 'abc')).toThrow(/not a pull request number/);
  });
});
