import type { RelanceError } from '../errors.js';
import {
  GitHubApiError,
  GitHubAuthError,
  GitHubForbiddenError,
  GitHubNotFoundError,
  GitHubRateLimitError,
  GitHubRejectedError,
  GitHubUnavailableError,
} from './errors.js';

/** The parts of Octokit's RequestError relance reads (duck-typed: it is a transitive package). */
export interface HttpErrorLike {
  status: number;
  message: string;
  response?: { headers: Record<string, string | number | undefined> };
  request?: { method?: string; url?: string };
}

export function isHttpError(err: unknown): err is HttpErrorLike {
  return err instanceof Error && err.name === 'HttpError' && typeof (err as { status?: unknown }).status === 'number';
}

/** Seconds to wait before retrying, when the answer is a rate limit; undefined when it is not one. */
export function rateLimitWait(err: HttpErrorLike, now = Date.now()): number | undefined {
  const headers = err.response?.headers;
  if (!headers || (err.status !== 403 && err.status !== 429)) return undefined;
  const retryAfter = Number(headers['retry-after']);
  if (headers['retry-after'] !== undefined && Number.isFinite(retryAfter)) return Math.max(0, retryAfter);
  if (String(headers['x-ratelimit-remaining']) === '0') {
    const reset = Number(headers['x-ratelimit-reset']);
    return Number.isFinite(reset) ? Math.max(0, Math.ceil(reset - now / 1000)) : 60;
  }
  return err.status === 429 ? 60 : undefined;
}

/** One clear sentence per failure, naming what to check; the API's own message in quotes. */
export function mapGitHubError(err: HttpErrorLike, apiUrl: string, what: string): RelanceError {
  const said = (err.message || '').split(' - https://')[0]!.trim();
  const quote = said ? ` (GitHub said: "${said}")` : '';
  if (!err.response) return new GitHubUnavailableError(`cannot reach the GitHub API at ${apiUrl} to ${what}: ${said || 'no answer'}`);
  const wait = rateLimitWait(err);
  if (wait !== undefined) return new GitHubRateLimitError(`GitHub's rate limit stopped relance from trying to ${what}; it lifts in about ${wait} s: run the job again then${quote}`);
  switch (err.status) {
    case 401: return new GitHubAuthError(`GitHub refused the token (401) when trying to ${what}: check GITHUB_TOKEN or GH_TOKEN${quote}`);
    case 403: return new GitHubForbiddenError(`the token may not ${what} (403): give the workflow \`permissions: pull-requests: write\` (a pull request from a fork only gets a read-only token)${quote}`);
    case 404: return new GitHubNotFoundError(`GitHub found no such repository or pull request when trying to ${what} (404): check GITHUB_REPOSITORY, the PR number and that the token can see the repository${quote}`);
    case 422: return new GitHubRejectedError(`GitHub rejected the comment (422) when trying to ${what}${quote}`);
    default:
      if (err.status >= 500) return new GitHubUnavailableError(`GitHub failed (${err.status}) when trying to ${what}: try again later${quote}`);
      return new GitHubApiError(`GitHub answered ${err.status} when trying to ${what}${quote}`);
  }
}
