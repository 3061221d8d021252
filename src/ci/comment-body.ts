import type { CommentInput } from './comment-input.js';
import { diagramSections } from './diagram-section.js';
import { code, type Section } from './markdown.js';
import { planSections } from './plan-section.js';
import { previewSections } from './previews-section.js';
import { lintCodesOf, lintSections, validationSections } from './validation-section.js';

/** First line of the comment: how a later run finds it among every comment of the PR. */
export const MARKER = '<!-- relance:pr-comment -->';
/** Everything after this line (commit, run link, time) is left out when comparing two bodies. */
export const FOOTER_MARK = '<!-- relance:footer -->';

export interface CommentDoc {
  /** Marker, title and verdict: always in the comment. */
  head: string;
  /** In reading order, which is also the order of importance when the comment must be cut. */
  sections: Section[];
}

export function buildComment(input: CommentInput): CommentDoc {
  const lintCodes = lintCodesOf(input);
  return {
    head: [MARKER, '## 📬 relance: scenario review', '', verdict(input), ''].join('\n'),
    sections: [
      ...validationSections(input, lintCodes),
      ...planSections(input),
      ...diagramSections(input),
      ...lintSections(input, lintCodes),
      ...previewSections(input),
    ],
  };
}

/** The volatile part: which run and when. Kept out of the comparison so an unchanged review is not edited. */
export function footer(options: { commit?: string; runUrl?: string; now: Date }): string {
  const parts = [
    'relance ci comment',
    options.commit ? `commit ${code(options.commit.slice(0, 7))}` : '',
    options.runUrl ? `[workflow run](${options.runUrl})` : '',
    `updated ${options.now.toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    'edited in place, only when its content changes',
  ].filter(Boolean);
  return ['---', FOOTER_MARK, `<sub>${parts.join(' · ')}</sub>`, ''].join('\n');
}

/** What two runs compare: the body without its footer. */
export function contentOf(body: string): string {
  const at = body.indexOf(FOOTER_MARK);
  return (at < 0 ? body : body.slice(0, at)).replace(/\s*(---\s*)?$/, '');
}

function verdict(input: CommentInput): string {
  const { errors, warnings } = input.validation;
  const plan = input.plan.plan;
  const changed = plan?.changes.filter((c) => !c.actions.includes('unchanged')).length;
  const emails = input.previews.manifest?.scenarios.reduce((n, s) => n + s.emails.length, 0);
  return [
    errors.length ? `❌ ${errors.length} error${errors.length === 1 ? '' : 's'}` : '✅ valid',
    warnings.length ? `⚠️ ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : '',
    changed === undefined ? '' : `📝 ${changed} scenario${changed === 1 ? '' : 's'} changed`,
    emails === undefined ? '' : `✉️ ${emails} preview${emails === 1 ? '' : 's'}`,
  ].filter(Boolean).join(' · ');
}
