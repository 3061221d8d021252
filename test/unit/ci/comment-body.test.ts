import { describe, expect, it } from 'vitest';
import { buildComment, contentOf, footer, MARKER } from '../../../src/ci/comment-body.js';
import { renderSection } from '../../../src/ci/markdown.js';
import type { Diagnostic } from '../../../src/diagnostics/diagnostic.js';
import { email, input, manifest, planBetween, scenarioYaml } from './helpers.js';

const body = (doc: ReturnType<typeof buildComment>) => [doc.head, ...doc.sections.map(renderSection)].join('\n');

const warning = (code: string, message: string, line = 3): Diagnostic => ({ severity: 'warning', code, message, file: 'scenarios/welcome.yaml', line, column: 5 });

describe('the comment body', () => {
  it('starts with the marker and says the plan was skipped without a base', () => {
    const text = body(buildComment(input()));
    expect(text.split('\n')[0]).toBe(MARKER);
    expect(text).toContain('### Plan\n\nℹ️ No base revision given.');
    expect(text).toContain('✅ **1 scenario file valid**: 0 errors, 0 warnings.');
  });

  it('lists every diagnostic with file:line:col, code and message, email lint in its own section', () => {
    const errors: Diagnostic[] = [{ severity: 'error', code: 'unknown-step', message: 'step "x" does not exist | anywhere', file: 'scenarios/a.yaml', line: 7, column: 9 }];
    const warnings = [warning('weekend-ignored', 'weekends are skipped'), warning('lint-alt', 'image without alt', 12)];
    const link = (file: string, line: number) => `https://github.com/o/r/blob/abc/${file}#L${line}`;
    const text = body(buildComment(input({ validation: { files: 2, errors, warnings }, link })));
    expect(text).toContain('❌ **2 scenario files checked**: 1 error, 2 warnings (1 of them email lint, shown below).');
    expect(text).toContain('| ❌ error | [`scenarios/a.yaml:7:9`](https://github.com/o/r/blob/abc/scenarios/a.yaml#L7) | `unknown-step` | step "x" does not exist \\| anywhere |');
    expect(text).toContain('| ⚠️ warning | [`scenarios/welcome.yaml:3:5`]');
    const lint = text.slice(text.indexOf('### Email lint'));
    expect(lint).toContain('`lint-alt` | image without alt |');
    expect(lint).not.toContain('weekend-ignored');
    expect(text.slice(0, text.indexOf('### Email lint'))).not.toContain('lint-alt');
  });

  it('words the plan as a table labelled as a diff of files, step by step, with the changed steps highlighted', async () => {
    const extra = '    - id: hello\n      type: wait\n      for: 1 day\n';
    const plan = await planBetween(
      { 'a.yaml': scenarioYaml('alpha'), 'b.yaml': scenarioYaml('beta'), 'c.yaml': scenarioYaml('gamma'), 'e.yaml': scenarioYaml('epsilon') },
      {
        'a.yaml': scenarioYaml('alpha', '3 days', extra.replace('hello', 'extra')),
        'b.yaml': scenarioYaml('beta'),
        'd.yaml': scenarioYaml('delta'),
        'e.yaml': scenarioYaml('epsilon').replace('hello@acme.test', 'news@acme.test'),
      },
    );
    const text = body(buildComment(input({ plan: { base: 'a'.repeat(40), plan } })));
    expect(text).toContain('Diff of the scenario files at the base revision `aaaaaaa` against this pull request, not the running state');
    expect(text).toContain('**1 to create, 2 to update, 1 to archive.**');
    const alpha = text.split('\n').find((l) => l.startsWith('| **alpha**'))!;
    expect(alpha).toContain('✏️ update');
    expect(alpha).toContain('~ step pause changed: for: 2 days → 3 days');
    expect(alpha).toContain('+ step extra added');
    expect(text.split('\n').find((l) => l.startsWith('| **delta**'))).toContain('🆕 create');
    expect(text.split('\n').find((l) => l.startsWith('| **epsilon**'))).toContain('| ✏️ update | ~ the sender (from, reply-to) changed (spec.sender) |');
    expect(text).toContain('No step changed (only the settings listed in the plan).');
    expect(text.split('\n').find((l) => l.startsWith('| **gamma**'))).toContain('🗄️ archive');
    expect(text).toContain('Unchanged (1): `beta`.');
    const diagram = text.slice(text.indexOf('### Diagram: alpha'), text.indexOf('### Diagram: delta'));
    expect(diagram).toContain('```mermaid\nflowchart TD');
    expect(diagram).toContain('  class s_extra added');
    expect(diagram).toContain('  class s_pause changed');
    expect(text).toContain('### Diagram: delta');
    expect(text).not.toContain('### Diagram: beta');
    expect(text).not.toContain('### Diagram: gamma');
  });

  it('shows a row per step and language from the preview manifest, with the artifact link', () => {
    const m = manifest([
      email('hello'),
      email('hello', { contact: 'bob@example.test', subject: 'Another subject', spam: { score: 2.4, rules: [{ name: 'HTML_IMAGE_ONLY_08', score: 1.8, description: '' }] } }),
      email('hello', { language: 'fr', subject: 'Bonjour', lint: [warning('lint-http', 'http: link')], unresolved: ['company'] }),
    ]);
    const text = body(buildComment(input({ previews: { manifest: m, artifactUrl: 'https://github.com/o/r/actions/runs/1/artifacts/2' } })));
    expect(text).toContain('📦 **[Download the previews](https://github.com/o/r/actions/runs/1/artifacts/2)**');
    expect(text).toContain('No screenshots: Chromium is not installed.');
    const rows = text.split('\n').filter((l) => l.startsWith('| `hello`'));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toBe('| `hello` | en | Subject of hello *(varies by contact)* | Acme &lt;hello@acme.test&gt; | every contact | right after entry | 2.4<br>`HTML_IMAGE_ONLY_08` | ✅ 0 | `s/hello.en.1.html` |');
    expect(rows[1]).toContain('| ⚠️ 1<br>unresolved: `company` |');
    expect(text.slice(text.indexOf('### Email lint'))).toContain('http: link');
  });

  it('compares bodies without the footer, so the time and run do not make a difference', () => {
    const doc = body(buildComment(input()));
    const one = `${doc}\n${footer({ commit: 'a'.repeat(40), runUrl: 'https://x/runs/1', now: new Date('2026-01-05T10:00:00Z') })}`;
    const two = `${doc}\n${footer({ commit: 'b'.repeat(40), runUrl: 'https://x/runs/2', now: new Date('2026-01-06T10:00:00Z') })}`;
    expect(one).not.toBe(two);
    expect(contentOf(one)).toBe(contentOf(two));
    expect(contentOf(one)).toBe(doc.trimEnd());
    expect(one).toContain('commit `aaaaaaa` · [workflow run](https://x/runs/1) · updated 2026-01-05 10:00 UTC');
  });
});
