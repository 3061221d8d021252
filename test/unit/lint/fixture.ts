import { join } from 'node:path';
import type { Diagnostic } from '../../../src/diagnostics/diagnostic.js';
import { lintScenario } from '../../../src/lint/lint-scenario.js';
import { loadScenarioFile } from '../../../src/load/load-scenario.js';
import type { SampleContact } from '../../../src/samples/sample-contacts.js';
import { tempDir } from '../../helpers/temp-dir.js';

export interface Fixture {
  /** The HTML template of the one email step (`mail/hello.html.hbs`). */
  html: string;
  /** Its hand-written text part (`mail/hello.txt.hbs`), if any. */
  text?: string;
  subject?: string;
  /** Lines under the step (6-space indent), e.g. `      languages:\n        fr: …`. */
  step?: string;
  /** Lines under `spec` (2-space indent). Default: `tracking: { opens: true }`, which keeps the open pixel's own warning out. */
  spec?: string;
  files?: Record<string, string>;
  contacts?: SampleContact[];
  /** Appends 450 words to the HTML (and text) part: over 3,200 characters, SpamAssassin's HTML_IMAGE_ONLY rules no longer apply. */
  long?: boolean;
}

/** Lints a one-email scenario written to a temporary folder; files come back relative to it. */
export async function lintFixture(f: Fixture): Promise<Diagnostic[]> {
  const yaml = [
    'apiVersion: relance/v1',
    'kind: Scenario',
    'metadata:',
    '  name: t',
    'spec:',
    '  entry:',
    '    lists: [newsletter]',
    '  sender:',
    '    email: hello@acme.test',
    f.spec ?? '  tracking: { opens: true }',
    '  steps:',
    '    - id: hello',
    '      type: email',
    '      template: mail/hello',
    `      subject: ${JSON.stringify(f.subject ?? 'Hello {{firstName}}')}`,
    ...(f.step ? [f.step] : []),
    '',
  ].join('\n');
  const filler = f.long ? `\n${words(450)}\n` : '';
  const html = f.long ? `${f.html}<p>${filler}</p>` : f.html;
  const text = f.text !== undefined ? f.text + filler : undefined;
  const dir = await tempDir({ 't.yaml': yaml, 'mail/hello.html.hbs': html, ...(text !== undefined ? { 'mail/hello.txt.hbs': text } : {}), ...f.files });
  const file = join(dir, 't.yaml');
  const { scenario, diagnostics } = loadScenarioFile(file);
  if (!scenario) throw new Error(`the fixture does not load: ${JSON.stringify(diagnostics)}`);
  return lintScenario({ file, scenario }, f.contacts ? { contacts: f.contacts } : {}).map((d) => ({ ...d, file: d.file.slice(dir.length + 1) }));
}

/** `code file:line:column` of each diagnostic, for compact assertions. */
export function where(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.code} ${d.file}:${d.line}:${d.column}`);
}

/** Paragraphs of plain words, to make an email long without saying anything else. */
export function words(count: number): string {
  return Array.from({ length: count }, (_, i) => `word${i}`).join(' ');
}
