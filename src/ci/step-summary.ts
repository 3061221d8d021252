import { appendFileSync, statSync } from 'node:fs';
import { renderSection, type Section } from './markdown.js';

/** GitHub shows at most 1 MiB of a step's summary. */
export const SUMMARY_LIMIT = 1024 * 1024;

/**
 * Appends a heading and whole sections to `$GITHUB_STEP_SUMMARY`, stopping at the section that
 * would take the file past 1 MiB (what other commands of the step wrote counts too).
 * Returns how many sections were written.
 */
export function appendStepSummary(file: string, heading: string, sections: Section[], limit = SUMMARY_LIMIT): number {
  const used = statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
  const note = (n: number) => `> ✂️ ${n} more section${n === 1 ? '' : 's'} did not fit the job summary's 1 MiB: run \`relance ci comment --dry-run\` to see everything.\n`;
  let text = `${heading}\n\n`;
  let written = 0;
  for (const [i, s] of sections.entries()) {
    const part = renderSection(s) + '\n';
    const reserve = i + 1 < sections.length ? bytes(note(sections.length - i - 1)) : 0;
    if (used + bytes(text) + bytes(part) + reserve > limit) break;
    text += part;
    written++;
  }
  if (written < sections.length) text += note(sections.length - written);
  appendFileSync(file, text);
  return written;
}
