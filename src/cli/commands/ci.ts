import { buildComment } from '../../ci/comment-body.js';
import { gatherInput } from '../../ci/gather-input.js';
import { readCiContext } from '../../ci/github-context.js';
import { publishComment } from '../../ci/publish.js';

export interface CommentOptions {
  base?: string;
  previews?: string;
  artifactUrl?: string;
  pr?: string;
  dryRun?: boolean;
}

/** `relance ci comment`: the pull request's review screen, as one sticky comment (docs/ci-comment.md). */
export async function comment(paths: string[], options: CommentOptions): Promise<void> {
  const ctx = readCiContext(process.env, options.pr);
  const err = (text: string) => process.stderr.write(text);
  const input = await gatherInput(paths, ctx, {
    base: options.base,
    previews: options.previews,
    artifactUrl: options.artifactUrl,
    warn: (message) => err(`relance ci comment: ${message}\n`),
  });
  await publishComment(ctx, buildComment(input), {
    dryRun: options.dryRun,
    now: new Date(),
    out: (text) => process.stdout.write(text),
    err,
  });
}
