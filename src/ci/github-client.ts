import { Octokit } from '@octokit/rest';
import { isHttpError, rateLimitWait } from './map-error.js';

export interface ClientOptions {
  apiUrl: string;
  token: string;
  /** Longest wait for a rate limit to lift before giving up (GitHub asks for 60 s on secondary limits). */
  maxWaitSeconds?: number;
  /** Retries after a rate limit. */
  retries?: number;
  /** Told about each wait, so a slow job explains itself. */
  onWait?: (seconds: number, what: string) => void;
}

/**
 * Octokit pointed at GITHUB_API_URL (GitHub Enterprise: https://HOST/api/v3), silent (relance
 * prints its own one-line errors), and retrying a rate-limited request once or twice when
 * GitHub says how long to wait (`Retry-After`, or `x-ratelimit-reset` with none remaining).
 */
export function githubClient(options: ClientOptions): Octokit {
  const quiet = () => {};
  const octokit = new Octokit({
    auth: options.token,
    baseUrl: options.apiUrl,
    userAgent: 'relance-ci-comment',
    log: { debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
  const maxWait = options.maxWaitSeconds ?? 60;
  const retries = options.retries ?? 2;
  octokit.hook.wrap('request', async (request, params) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(params);
      } catch (err) {
        const wait = isHttpError(err) ? rateLimitWait(err) : undefined;
        if (wait === undefined || wait > maxWait || attempt >= retries) throw err;
        options.onWait?.(wait, `${params.method} ${params.url.replace(/^https?:\/\/[^/]+/, '').split('?')[0]}`);
        await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      }
    }
  });
  return octokit;
}
