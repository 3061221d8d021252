import { RelanceError } from '../errors.js';
import { footer, type CommentDoc } from './comment-body.js';
import { GitHubForbiddenError } from './errors.js';
import { fitComment } from './fit-comment.js';
import { githubClient } from './github-client.js';
import { requireTarget, type CiContext } from './github-context.js';
import { renderSection, type Section } from './markdown.js';
import { appendStepSummary } from './step-summary.js';
import { upsertComment } from './sticky-comment.js';

export interface PublishOptions {
  dryRun?: boolean;
  now: Date;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Longest wait for a rate limit (tests shorten it). */
  maxWaitSeconds?: number;
}

/**
 * Posts or edits the sticky comment, and writes the job summary: the sections cut from the comment,
 * or the whole review when nothing was cut or posting failed. Without a token, or with --dry-run,
 * prints the whole comment and touches nothing on GitHub. A 403 on a fork's pull request (its token
 * is read-only by GitHub's design) is expected: the review goes to the job summary and the job passes.
 */
export async function publishComment(ctx: CiContext, doc: CommentDoc, options: PublishOptions): Promise<void> {
  const foot = footer({ commit: ctx.headSha, runUrl: ctx.runUrl, now: options.now });
  const whole = (sections: Section[]) => [doc.head, ...sections.map(renderSection), foot].join('\n');
  const summary = (heading: string, sections: Section[]) => {
    if (ctx.stepSummary) appendStepSummary(ctx.stepSummary, heading, sections);
  };
  if (options.dryRun || !ctx.token) {
    options.out(whole(doc.sections));
    if (!options.dryRun) {
      options.err('relance ci comment: no GITHUB_TOKEN or GH_TOKEN: printed the comment instead of posting it\n');
      summary(doc.head, doc.sections);
    }
    return;
  }
  const target = requireTarget(ctx);
  const fitted = fitComment(doc.head, doc.sections, foot);
  const octokit = githubClient({
    apiUrl: ctx.apiUrl,
    token: ctx.token,
    maxWaitSeconds: options.maxWaitSeconds,
    onWait: (s, what) => options.err(`relance ci comment: GitHub rate limit on ${what}: retrying in ${s} s\n`),
  });
  try {
    const outcome = await upsertComment(octokit, ctx.apiUrl, target, fitted.body);
    const cut = fitted.rest.length ? ` (cut: ${fitted.rest.length} sections in the job summary)` : '';
    options.out(`relance ci comment: ${outcome.action} comment ${outcome.id} on ${target.owner}/${target.repo}#${target.pr}${cut}: ${outcome.url}\n`);
  } catch (err) {
    summary(doc.head, doc.sections);
    if (err instanceof GitHubForbiddenError && ctx.fromFork) {
      options.err(`relance ci comment: this pull request comes from a fork, whose token may not comment (403): the review is in the job summary instead\n`);
      return;
    }
    if (err instanceof RelanceError && ctx.stepSummary) options.err('relance ci comment: the review was written to the job summary\n');
    throw err;
  }
  if (fitted.rest.length) summary('## relance: the rest of the PR comment', fitted.rest);
  else summary(doc.head, doc.sections);
}
