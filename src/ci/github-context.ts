import { readFileSync } from 'node:fs';
import { CiContextError } from './errors.js';

/** Where the comment goes and what it is about, from the Actions environment and event payload. */
export interface CiContext {
  apiUrl: string;
  /** https://github.com or a GitHub Enterprise server, for links to files. */
  serverUrl: string;
  owner?: string;
  repo?: string;
  token?: string;
  pr?: number;
  /** The PR's base commit (payload `pull_request.base.sha`). */
  baseSha?: string;
  /** The commit the comment describes: the PR's head, else GITHUB_SHA. */
  headSha?: string;
  /** The PR comes from a fork: its GITHUB_TOKEN is read-only. */
  fromFork: boolean;
  stepSummary?: string;
  /** This workflow run's page, where the job summary is. */
  runUrl?: string;
}

interface Payload {
  pull_request?: {
    number?: number;
    base?: { sha?: string; repo?: { full_name?: string } };
    head?: { sha?: string; repo?: { full_name?: string; fork?: boolean } | null };
  };
  issue?: { number?: number; pull_request?: unknown };
}

export function readCiContext(env: NodeJS.ProcessEnv, prOption?: string): CiContext {
  const payload = readPayload(env.GITHUB_EVENT_PATH);
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  const pr = payload.pull_request;
  const head = pr?.head?.repo;
  const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  return {
    apiUrl: (env.GITHUB_API_URL || 'https://api.github.com').replace(/\/+$/, ''),
    serverUrl,
    owner: owner || undefined,
    repo: repo || undefined,
    token: env.GITHUB_TOKEN || env.GH_TOKEN || undefined,
    pr: prOption !== undefined ? prNumber(prOption) : pr?.number ?? (payload.issue?.pull_request ? payload.issue.number : undefined),
    baseSha: pr?.base?.sha,
    headSha: pr?.head?.sha ?? (env.GITHUB_SHA || undefined),
    fromFork: head?.fork === true || (!!head?.full_name && !!pr?.base?.repo?.full_name && head.full_name !== pr.base.repo.full_name),
    stepSummary: env.GITHUB_STEP_SUMMARY || undefined,
    runUrl: env.GITHUB_RUN_ID && owner && repo ? `${serverUrl}/${owner}/${repo}/actions/runs/${env.GITHUB_RUN_ID}` : undefined,
  };
}

/** What posting needs; reading the payload is lenient so a dry run works anywhere. */
export function requireTarget(ctx: CiContext): { owner: string; repo: string; pr: number } {
  if (!ctx.owner || !ctx.repo) throw new CiContextError('GITHUB_REPOSITORY is not set (owner/repo): run in GitHub Actions or set it');
  if (ctx.pr === undefined) throw new CiContextError('no pull request number: pass --pr, or run on a pull_request event (GITHUB_EVENT_PATH)');
  return { owner: ctx.owner, repo: ctx.repo, pr: ctx.pr };
}

function readPayload(path: string | undefined): Payload {
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Payload;
  } catch (err) {
    throw new CiContextError(`cannot read the event payload at GITHUB_EVENT_PATH (${path}): ${(err as Error).message}`);
  }
}

function prNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new CiContextError(`--pr ${value}: not a pull request number`);
  return n;
}
