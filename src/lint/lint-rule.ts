import type { SampleEmail } from '../samples/render-samples.js';
import type { EmailTag } from './email-tags.js';

/** A template file as the lint reads it: its path and its source text. */
export interface TemplateText {
  file: string;
  text: string;
}

/** What a lint rule sees of one rendered email. */
export interface LintInput {
  email: SampleEmail;
  html: TemplateText;
  /** The hand-written text part, when the email has one. */
  text?: TemplateText;
  /** The `<a>` and `<img>` tags of the HTML template, with their values as rendered. */
  tags: EmailTag[];
  /** The rendered HTML without what relance adds (preheader, footer, open pixel, scanner trap). */
  body: string;
  /** Host of relance's own links (unsubscribe, tracking): never someone else's. */
  trackingDomain: string;
  /** Variables to report as provided by no sample contact (default: the email's own `unresolved`). */
  unresolved: readonly string[];
}

/** Where a lint rule reports: at a place in a template, or at a value of the scenario file. */
export interface LintReport {
  inTemplate(file: string, line: number, column: number, code: string, message: string): void;
  /** A JSON pointer into the scenario (`/spec/steps/0/subject`), located when reported. */
  inScenario(pointer: string, code: string, message: string): void;
}

/** One check over one email: small, never throws, reports warnings. */
export type LintRule = (input: LintInput, report: LintReport) => void;
