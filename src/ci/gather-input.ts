import { execFile } from 'node:child_process';
import { isAbsolute, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ValidationFailedError } from '../errors.js';
import { planFromRevision } from '../plan/base-plan.js';
import type { StepGraph } from '../schema/compiled.js';
import { validatePaths } from '../validate/validate.js';
import type { CommentInput } from './comment-input.js';
import type { FileLink } from './diagnostic-rows.js';
import type { CiContext } from './github-context.js';
import { readPreviews } from './read-previews.js';

export interface GatherOptions {
  base?: string;
  previews?: string;
  artifactUrl?: string;
  /** Told about what could not be shown (a base not fetched, a missing manifest): CI logs it. */
  warn: (message: string) => void;
}

/**
 * Runs what the comment reports: validate, the plan against the base revision, the previews'
 * manifest. A part that fails becomes a note in the comment, not a failed job: the reviewer
 * still gets the rest.
 */
export async function gatherInput(paths: string[], ctx: CiContext, options: GatherOptions): Promise<CommentInput> {
  const validation = await validatePaths(paths);
  const graphs = new Map<string, StepGraph>(validation.scenarios.map((s) => [s.scenario.metadata.name, s.graph]));
  const base = options.base ?? ctx.baseSha;
  const plan: CommentInput['plan'] = { base };
  if (!base) plan.note = 'No base revision given (`--base`, or a `pull_request` event\'s base sha): the plan is skipped.';
  else {
    try {
      plan.plan = await planFromRevision(paths, base, { validation });
    } catch (err) {
      const why = (err as Error).message.split('\n')[0];
      plan.note = err instanceof ValidationFailedError
        ? `No plan: the scenario files have errors (${why}); fix them first.`
        : `No plan: the files at ${base} could not be compared (${why}). Is the base revision fetched? (\`actions/checkout\` with \`fetch-depth: 0\`)`;
      options.warn(`plan against ${base} skipped: ${why}`);
    }
  }
  const previews = { ...readPreviews(options.previews), artifactUrl: options.artifactUrl };
  if (previews.note && options.previews) options.warn(previews.note);
  return {
    validation: { files: validation.files.length, errors: validation.errors, warnings: validation.warnings },
    plan,
    graphs,
    previews,
    commit: ctx.headSha,
    link: await fileLink(ctx),
  };
}

/** Links to `blob/<head sha>/<path>#L<line>` when the repository, commit and checkout root are known. */
async function fileLink(ctx: CiContext): Promise<FileLink> {
  const root = ctx.owner && ctx.repo && ctx.headSha ? await gitRoot() : undefined;
  if (!root) return () => undefined;
  return (file, line) => {
    const path = relative(root, resolve(file));
    if (!path || path.startsWith('..') || isAbsolute(path)) return undefined;
    const encoded = path.split(/[\\/]/).map(encodeURIComponent).join('/');
    return `${ctx.serverUrl}/${ctx.owner}/${ctx.repo}/blob/${ctx.headSha}/${encoded}#L${line}`;
  };
}

async function gitRoot(): Promise<string | undefined> {
  try {
    return (await promisify(execFile)('git', ['rev-parse', '--show-toplevel'])).stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}
