import { RelanceError } from '../errors.js';

/**
 * What can go wrong talking to GitHub, one class per answer a workflow author acts on differently.
 * Exit codes follow sysexits.h, as the Redis errors do.
 */

/** The workflow does not say which repository or pull request (env or event payload missing). */
export class CiContextError extends RelanceError {
  override readonly code = 'CI_CONTEXT';
  override readonly exitCode = 78; // EX_CONFIG
}

/** 401: the token is missing a scope, expired or mistyped. */
export class GitHubAuthError extends RelanceError {
  override readonly code = 'GITHUB_AUTH';
  override readonly exitCode = 77; // EX_NOPERM
}

/** 403 (not a rate limit): the token may read but not write comments. */
export class GitHubForbiddenError extends RelanceError {
  override readonly code = 'GITHUB_FORBIDDEN';
  override readonly exitCode = 77;
}

/** 404: no such repository or pull request, or the token cannot see it (GitHub hides private ones). */
export class GitHubNotFoundError extends RelanceError {
  override readonly code = 'GITHUB_NOT_FOUND';
  override readonly exitCode = 1;
}

/** 422: GitHub refused the comment itself (too long, malformed). */
export class GitHubRejectedError extends RelanceError {
  override readonly code = 'GITHUB_REJECTED';
  override readonly exitCode = 65; // EX_DATAERR
}

/** 403/429 rate limit that did not clear within the wait allowed. */
export class GitHubRateLimitError extends RelanceError {
  override readonly code = 'GITHUB_RATE_LIMIT';
  override readonly exitCode = 75; // EX_TEMPFAIL
}

/** No answer (DNS, refused, TLS) or a 5xx: GitHub could not be reached or failed. */
export class GitHubUnavailableError extends RelanceError {
  override readonly code = 'GITHUB_UNAVAILABLE';
  override readonly exitCode = 69; // EX_UNAVAILABLE
}

/** Any other answer GitHub gave that relance does not expect. */
export class GitHubApiError extends RelanceError {
  override readonly code = 'GITHUB_API';
  override readonly exitCode = 1;
}
