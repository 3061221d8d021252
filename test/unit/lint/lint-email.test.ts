import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emailTags, splitRendered } from '../../../src/lint/email-tags.js';
import { lintEmail } from '../../../src/lint/lint-email.js';
import { LINT_CODES } from '../../../src/lint/rules/index.js';
import { loadScenarioFile } from '../../../src/load/load-scenario.js';
import { renderSamples } from '../../../src/samples/render-samples.js';
import { sampleContacts } from '../../../src/samples/sample-contacts.js';
import { validatePaths } from '../../../src/validate/validate.js';
import { tempDir } from '../../helpers/temp-dir.js';

const YAML = `apiVersion: relance/v1
kind: Scenario
metadata:
  name: t
spec:
  entry:
    lists: [newsletter]
  sender:
    email: hello@acme.test
  steps:
    - id: hello
      type: email
      template: mail/hello
      subject: "{{firstName}}, this subject goes on and on and on and on, well past what any inbox really shows"
`;

const HTML = `<p>Hi {{firstName}},</p>
<p>Our <a href="https://www.acme.test/report">report</a> is out.</p>
{{#each tags}}<a href="https://www.acme.test/tag/{{this}}">{{this}}</a>{{/each}}
<img src="https://www.acme.test/chart.png">
`;

async function rendered() {
  const dir = await tempDir({ 't.yaml': YAML, 'mail/hello.html.hbs': HTML });
  const file = join(dir, 't.yaml');
  const { scenario } = loadScenarioFile(file);
  const [email] = renderSamples({ file, scenario: scenario! }, sampleContacts(scenario!, 1));
  return { dir, file, email: email! };
}

describe('lintEmail (one rendered email, as relance preview lints it)', () => {
  it('points at the template for what is in it, and at the YAML line for the subject', async () => {
    const { dir, email } = await rendered();
    const found = lintEmail(email).map((d) => `${d.code} ${d.file.slice(dir.length + 1)}:${d.line}:${d.column}`);
    expect(found).toEqual([
      'email-subject-too-long t.yaml:14:16',
      'email-image-no-alt mail/hello.html.hbs:4:1',
      'email-no-text-part mail/hello.html.hbs:1:1',
      'email-image-only-html mail/hello.html.hbs:1:1',
    ]);
    for (const d of lintEmail(email)) expect(LINT_CODES).toContain(d.code);
  });

  it('finds the rendered URL of each written link, through click tracking, leaving loop links unpaired', async () => {
    const { email } = await rendered();
    const { body, footer } = splitRendered(email.rendered.html);
    expect(footer).toContain('relance-footer');
    expect(body).not.toContain('relance-footer');
    expect(email.rendered.html).toContain('/c/'); // links are rewritten for click tracking
    const tags = emailTags(HTML, body, email.rendered, 'http://localhost:8080');
    expect(tags.map((t) => [t.name, t.line, t.column, t.url])).toEqual([
      ['a', 2, 8, 'https://www.acme.test/report'],
      ['a', 3, 15, undefined], // inside {{#each}}: the sample contact has no tags, so no rendered link
      ['img', 4, 1, 'https://www.acme.test/chart.png'],
    ]);
  });
});

describe('relance validate', () => {
  it('reports email lint as warnings with file, line and column, without failing', async () => {
    const dir = await tempDir({ 't.yaml': YAML, 'mail/hello.html.hbs': HTML });
    const result = await validatePaths([dir]);
    expect(result.errors).toEqual([]);
    expect(result.scenarios).toHaveLength(1);
    expect(result.warnings.map((d) => `${d.code} ${d.file.slice(dir.length + 1)}:${d.line}:${d.column}`)).toEqual([
      'email-image-only-html mail/hello.html.hbs:1:1',
      'email-no-text-part mail/hello.html.hbs:1:1',
      'email-image-no-alt mail/hello.html.hbs:4:1',
      'email-subject-too-long t.yaml:14:16',
    ]);
    expect(result.warnings.every((d) => d.severity === 'warning')).toBe(true);
  });

  it('gives the examples none: their real problems were fixed, their open pixels declared', async () => {
    const result = await validatePaths(['scenarios']);
    expect(result.warnings.filter((d) => d.code.startsWith('email-'))).toEqual([]);
  });
});
