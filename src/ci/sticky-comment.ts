import type { Octokit } from '@octokit/rest';
import { contentOf, MARKER } from './comment-body.js';
import { isHttpError, mapGitHubError } from './map-error.js';

export interface Target {
  owner: string;
  repo: string;
  pr: number;
}

export interface StickyOutcome {
  action: 'created' | 'updated' | 'unchanged';
  id: number;
  url: string;
}

/**
 * One comment per pull request, like Atlantis and Renovate: found by its marker on any page of
 * the PR's comments, created when missing, edited only when its content differs.
 */
export async function upsertComment(octokit: Octokit, apiUrl: string, target: Target, body: string): Promise<StickyOutcome> {
  const where = { owner: target.owner, repo: target.repo };
  const pr = `${target.owner}/${target.repo}#${target.pr}`;
  const existing = await call(apiUrl, `read the comments of ${pr}`, () => findOurs(octokit, target));
  if (!existing) {
    const { data } = await call(apiUrl, `comment on ${pr}`, () => octokit.rest.issues.createComment({ ...where, issue_number: target.pr, body }));
    return { action: 'created', id: data.id, url: data.html_url };
  }
  if (normalize(contentOf(existing.body ?? '')) === normalize(contentOf(body))) return { action: 'unchanged', id: existing.id, url: existing.html_url };
  const { data } = await call(apiUrl, `edit comment ${existing.id} on ${pr}`, () => octokit.rest.issues.updateComment({ ...where, comment_id: existing.id, body }));
  return { action: 'updated', id: data.id, url: data.html_url };
}

interface Found {
  id: number;
  body?: string;
  html_url: string;
}

/** Walks every page (100 a page, by the `Link` header) and stops at the first comment with the marker. */
async function findOurs(octokit: Octokit, target: Target): Promise<Found | undefined> {
  let found: Found | undefined;
  await octokit.paginate(
    octokit.rest.issues.listComments,
    { owner: target.owner, repo: target.repo, issue_number: target.pr, per_page: 100 },
    (response, done) => {
      found = response.data.find((c) => (c.body ?? '').split('\n', 1)[0]!.trim() === MARKER);
      if (found) done();
      return [];
    },
  );
  return found;
}

async function call<T>(apiUrl: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw isHttpError(err) ? mapGitHubError(err, apiUrl, what) : err;
  }
}

const normalize = (s: string) => s.replace(/\r\n/g, '\n');
