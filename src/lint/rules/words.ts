import type { SampleEmail } from '../../samples/render-samples.js';
import type { LintInput } from '../lint-rule.js';

/** `email "reminder" (fr)`: how messages name the email; the language only when the step has several. */
export function emailName(input: LintInput): string {
  return describeEmail(input.email);
}

export function describeEmail(email: Pick<SampleEmail, 'stepId' | 'step' | 'language'>): string {
  return `email "${email.stepId}"${email.step.languages && Object.keys(email.step.languages).length > 0 ? ` (${email.language})` : ''}`;
}

/** A URL shortened for a message: long tracking URLs would drown it. */
export function shortUrl(url: string): string {
  return url.length > 80 ? `${url.slice(0, 77)}…` : url;
}

/** `company.example` of `https://www.company.example/x` (lower case); '' when not a URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}
