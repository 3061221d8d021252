import { readFileSync } from 'node:fs';
import type { Diagnostic, Position } from '../diagnostics/diagnostic.js';
import type { SampleEmail } from '../samples/render-samples.js';
import { emailTags, splitRendered } from './email-tags.js';
import type { LintInput, LintReport, TemplateText } from './lint-rule.js';
import { locateInScenario } from './locate-in-scenario.js';
import { lintRules } from './rules/index.js';
import { hostOf } from './rules/words.js';

export interface LintEmailOptions {
  /** Host of relance's own links (default: the host of the email's unsubscribe link). */
  trackingDomain?: string;
  /** Variables no sample contact provides (default: those this email's contact lacks). */
  unresolved?: readonly string[];
  /** Where a value of the scenario file is (default: the file is read and its YAML located). */
  locate?: (file: string, pointer: string) => Position;
  /** The template texts, when the caller has them (default: read from the template files). */
  read?: (file: string) => string | undefined;
}

/**
 * Lints one rendered email: warnings with stable codes (all `email-…`, see docs/lint.md),
 * pointing at the template's file, line and column, or at the scenario's YAML for what is
 * written there (subject, footer, tracking).
 */
export function lintEmail(email: SampleEmail, options: LintEmailOptions = {}): Diagnostic[] {
  const read = options.read ?? readTemplate;
  const html: TemplateText = { file: email.templateFiles.html, text: read(email.templateFiles.html) ?? '' };
  const textFile = email.templateFiles.text;
  const textSource = textFile === undefined ? undefined : read(textFile);
  const text: TemplateText | undefined = textFile !== undefined && textSource !== undefined ? { file: textFile, text: textSource } : undefined;
  const publicUrl = publicUrlOf(email);
  const { body } = splitRendered(email.rendered.html);
  const input: LintInput = {
    email,
    html,
    text,
    tags: emailTags(html.text, body, email.rendered, publicUrl),
    body,
    trackingDomain: options.trackingDomain ?? hostOf(publicUrl),
    unresolved: options.unresolved ?? email.unresolved,
  };
  const out: Diagnostic[] = [];
  const locate = options.locate ?? locateInScenario;
  const report: LintReport = {
    inTemplate: (file, line, column, code, message) => out.push({ severity: 'warning', code, message, file, line, column }),
    inScenario: (pointer, code, message) => out.push({ severity: 'warning', code, message, file: email.file, ...locate(email.file, pointer), pointer }),
  };
  for (const rule of lintRules) rule(input, report);
  return out;
}

/** Base URL of relance's routes in this email, read back from its List-Unsubscribe link. */
function publicUrlOf(email: SampleEmail): string {
  const m = /<(https?:\/\/[^>]*?)\/u\/[^>/]+>/.exec(email.rendered.headers['List-Unsubscribe'] ?? '');
  return m?.[1] ?? '';
}

const texts = new Map<string, string | undefined>();
function readTemplate(file: string): string | undefined {
  if (!texts.has(file)) {
    if (texts.size > 1000) texts.clear();
    texts.set(file, readOrUndefined(file));
  }
  return texts.get(file);
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
