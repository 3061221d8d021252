import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildComment, footer } from '../../../src/ci/comment-body.js';
import { COMMENT_LIMIT, fitComment } from '../../../src/ci/fit-comment.js';
import { renderSection, tableSections, type Section } from '../../../src/ci/markdown.js';
import { appendStepSummary } from '../../../src/ci/step-summary.js';
import type { Diagnostic } from '../../../src/diagnostics/diagnostic.js';
import { tempDir } from '../../helpers/temp-dir.js';
import { input } from './helpers.js';

const foot = footer({ commit: 'c'.repeat(40), now: new Date('2026-01-05T10:00:00Z') });
const section = (i: number, size: number): Section => ({ title: `Part ${i}`, body: `| a |\n| --- |\n${`| ${'x'.repeat(size)} |\n`}` });

describe('cutting the comment', () => {
  it('leaves a comment under the limit whole', () => {
    const fitted = fitComment('head', [section(1, 100), section(2, 100)], foot);
    expect(fitted.rest).toEqual([]);
    expect(fitted.body).toBe(['head', renderSection(section(1, 100)), renderSection(section(2, 100)), foot].join('\n'));
  });

  it('cuts an 80,000-character comment between two sections, says where the rest went, and keeps the footer', () => {
    const sections = Array.from({ length: 8 }, (_, i) => section(i + 1, 9_990));
    const full = ['head', ...sections.map(renderSection), foot].join('\n');
    expect(full.length).toBeGreaterThan(80_000);
    const { body, rest } = fitComment('head', sections, foot);
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(rest.map((s) => s.title)).toEqual(['Part 7', 'Part 8']);
    // Every kept section is whole, followed by the cut line, then the footer.
    const kept = ['head', ...sections.slice(0, 6).map(renderSection)].join('\n');
    expect(body.startsWith(kept)).toBe(true);
    expect(body.slice(kept.length)).toMatch(/^\n> ✂️ \*\*This comment is cut here\*\* .*2 more sections \(Part 7, Part 8\) are in the job summary/);
    expect(body.endsWith(foot)).toBe(true);
  });

  it('splits a table of thousands of warnings into whole tables, each with its header', () => {
    const warnings: Diagnostic[] = Array.from({ length: 1500 }, (_, i) => ({ severity: 'warning', code: 'weekend-ignored', message: `warning number ${i} ${'about a thing '.repeat(3)}`, file: 'scenarios/big.yaml', line: i + 1, column: 3 }));
    const doc = buildComment(input({ validation: { files: 1, errors: [], warnings } }));
    const parts = doc.sections.filter((s) => s.title.startsWith('Validation'));
    expect(parts.length).toBeGreaterThan(4);
    for (const p of parts) {
      expect(p.body).toContain('|  | Where | Code | Problem |\n| --- | --- | --- | --- |\n');
      expect(p.body.length).toBeLessThanOrEqual(20_000);
    }
    const { body, rest } = fitComment(doc.head, doc.sections, foot);
    expect(body.length).toBeLessThanOrEqual(COMMENT_LIMIT);
    expect(rest.length).toBeGreaterThan(0);
    // Each row is in the comment or in the rest, once.
    const rows = (text: string) => text.split('\n').filter((l) => l.startsWith('| ⚠️ warning')).length;
    expect(rows(body) + rows(rest.map(renderSection).join('\n'))).toBe(1500);
  });

  it('tableSections never splits a row and repeats the header', () => {
    const parts = tableSections('T', 'intro', ['A', 'B'], Array.from({ length: 100 }, (_, i) => [String(i), 'y'.repeat(50)]), 1000);
    expect(parts[0]!.title).toBe('T');
    expect(parts[1]!.title).toBe(`T (continued, 2/${parts.length})`);
    expect(parts.flatMap((p) => p.body.split('\n').filter((l) => /^\| \d+ \|/.test(l)))).toHaveLength(100);
  });
});

describe('the job summary', () => {
  it('appends whole sections up to 1 MiB, and says what did not fit', async () => {
    const file = join(await tempDir({}), 'summary.md');
    writeFileSync(file, 'earlier step output\n');
    const sections = Array.from({ length: 30 }, (_, i) => section(i + 1, 50_000));
    expect(appendStepSummary(file, '## rest', sections)).toBe(20);
    const text = readFileSync(file, 'utf8');
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1024 * 1024);
    expect(text.startsWith('earlier step output\n## rest\n\n### Part 1')).toBe(true);
    expect(text).toContain('### Part 20\n');
    expect(text).not.toContain('### Part 21');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^> ✂️ 10 more sections did not fit the job summary's 1 MiB/);
  });
});
