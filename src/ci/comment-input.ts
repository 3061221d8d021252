import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { Plan } from '../plan/types.js';
import type { PreviewManifest } from '../preview/manifest.js';
import type { StepGraph } from '../schema/compiled.js';
import type { FileLink } from './diagnostic-rows.js';

/**
 * Everything the comment shows, gathered before rendering so rendering is pure: the same input
 * gives the same Markdown, which is what lets a second run leave the comment alone.
 */
export interface CommentInput {
  validation: { files: number; errors: Diagnostic[]; warnings: Diagnostic[] };
  plan: {
    /** The revision the files are compared with (the PR's base). */
    base?: string;
    plan?: Plan;
    /** Why there is no plan (no base given, the base is not fetched, …). */
    note?: string;
  };
  /** Step graphs of the working tree's valid scenarios, by name, for diagrams. */
  graphs: ReadonlyMap<string, StepGraph>;
  previews: {
    manifest?: PreviewManifest;
    /** Why there is no previews table. */
    note?: string;
    artifactUrl?: string;
  };
  /** The commit the comment describes. */
  commit?: string;
  link: FileLink;
}
