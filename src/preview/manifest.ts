import type { Diagnostic } from '../diagnostics/diagnostic.js';

/**
 * What `relance preview` wrote, as `manifest.json` in its output folder. `relance ci comment`
 * reads it to build the previews table of the PR comment, so its shape is a contract: add
 * fields, never rename them.
 */
export interface PreviewManifest {
  format: 1;
  createdAt: string;
  /** `--changed-since` when given: only the scenarios changed since that revision were rendered. */
  changedSince?: string;
  /** Whether Chromium took screenshots; when not, why (`not installed`, `--no-screenshots`). */
  screenshots: { taken: boolean; reason?: string; widths?: { desktop: number; mobile: number }; msPerEmail?: number; failed?: number };
  /** Whether SpamAssassin scored the emails; when not, why. */
  spamScore: { taken: boolean; reason?: string; median?: number; max?: number };
  scenarios: PreviewScenario[];
  /** Where the sample contacts came from: generated per scenario, or a CSV file (`--contacts`). */
  contacts?: { source: 'generated' | 'file'; file?: string; count: number; rejected?: { line: number; reason: string }[] };
  /** Files not previewed because they do not validate, and emails that could not be rendered. */
  errors?: Diagnostic[];
}

export interface PreviewScenario {
  name: string;
  title?: string;
  description?: string;
  file: string;
  emails: PreviewEmail[];
}

/** One email step, in one language, for one sample contact. */
export interface PreviewEmail {
  step: string;
  /** The step's `name` (a catalogue campaign's label), when it has one. */
  stepName?: string;
  language: string;
  /** The sample contact's email. */
  contact: string;
  subject: string;
  from: string;
  replyTo?: string;
  /** Who receives the step, in words (from the catalogue's audience or the graph). */
  audience: string;
  /** The delay before it, in words (`4 days after the previous email`). */
  delay: string;
  /** Paths relative to the output folder. */
  files: { html: string; text: string; eml: string; desktop?: string; mobile?: string };
  /** Template variables no sample contact provides, e.g. `company`. */
  unresolved: string[];
  htmlBytes: number;
  spam?: { score: number; threshold?: number; rules: { name: string; score: number; description: string }[] };
  /** Email lint for this email (warnings with the template's file, line and column). */
  lint: Diagnostic[];
}
