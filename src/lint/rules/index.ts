import type { LintRule } from '../lint-rule.js';
import { htmlSize } from './html-size.js';
import { imageAlt } from './image-alt.js';
import { imageOnly } from './image-only.js';
import { insecureLinks } from './insecure-links.js';
import { malformedLinks } from './malformed-links.js';
import { subjectEmpty, subjectTooLong } from './subject.js';
import { textPart } from './text-part.js';
import { textSimilarity } from './text-similarity.js';
import { thirdPartyTracking } from './third-party-tracking.js';
import { unresolvedVariables } from './unresolved.js';
import { unsubscribeLink } from './unsubscribe-link.js';

/** Every email lint rule, run in this order on each rendered email (codes: docs/lint.md). */
export const lintRules: LintRule[] = [
  subjectEmpty,
  subjectTooLong,
  unsubscribeLink,
  malformedLinks,
  insecureLinks,
  thirdPartyTracking,
  imageAlt,
  unresolvedVariables,
  textPart,
  textSimilarity,
  htmlSize,
  imageOnly,
];

/** The codes the rules report, for tools that tell email lint from other warnings. */
export const LINT_CODES = [
  'email-subject-empty', 'email-subject-too-long', 'email-unsubscribe-not-linked', 'email-malformed-link', 'email-http-link',
  'email-third-party-tracking', 'email-image-no-alt', 'email-unresolved-variable', 'email-no-text-part', 'email-text-differs',
  'email-html-clipped', 'email-image-only-html',
] as const;
