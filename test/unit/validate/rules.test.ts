import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validatePaths } from '../../../src/validate/validate.js';
import { tempDir } from '../../helpers/temp-dir.js';

const HEADER = `apiVersion: relance/v1
kind: Scenario
metadata:
  name: t
spec:
  entry:
    lists: [newsletter]
  sender:
    email: hello@acme.test
`;

/** Validates one scenario (`spec` lines appended to a valid header) with its templates. */
async function check(specLines: string, templates: Record<string, string> = { 'mail/hello.html.hbs': '<p>Hi {{firstName}}</p>' }) {
  const dir = await tempDir({ 't.yaml': HEADER + specLines, ...templates });
  const result = await validatePaths([dir]);
  const strip = (d: { code: string; line: number; file: string; message: string }) => ({ code: d.code, line: d.line, file: d.file.replace(dir, '').replace(/^\//, ''), message: d.message });
  // Email lint (`email-…` warnings: a tiny email scores HTML_IMAGE_ONLY) has its own tests, in test/unit/lint.
  const warnings = result.warnings.filter((d) => !d.code.startsWith('email-'));
  return { errors: result.errors.map(strip), warnings: warnings.map(strip), valid: result.scenarios.length === 1, dir };
}

const EMAIL = `    - id: hello
      type: email
      template: mail/hello
      subject: Hello {{firstName}}
`;

describe('semantic rules', () => {
  it('accepts a small valid scenario', async () => {
    const r = await check(`  steps:\n${EMAIL}`);
    expect(r.errors).toEqual([]);
    expect(r.valid).toBe(true);
  });

  it('reports a step that goes to an unknown step, at the reference', async () => {
    const r = await check(`  steps:\n${EMAIL}      next: thank-you\n    - id: thanks\n      type: exit\n`);
    expect(r.errors).toContainEqual(expect.objectContaining({ code: 'unknown-step', line: 15, message: expect.stringContaining('"thank-you", which does not exist (did you mean "thanks"?)') }));
  });

  it('reports unreachable steps', async () => {
    const r = await check(`  steps:\n${EMAIL}    - id: stop\n      type: exit\n    - id: orphan\n      type: wait\n      for: 1 day\n`);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'unreachable-step', line: 17 })]);
  });

  it('reports a loop without a wait, but accepts one with a wait', async () => {
    const loop = `  steps:\n${EMAIL}    - id: again\n      type: condition\n      if: { opened: hello }\n      then: hello\n      else: stop\n    - id: stop\n      type: exit\n`;
    const r = await check(loop);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'cycle-without-wait' })]);
    const withWait = loop.replace('then: hello', 'then: pause').replace('    - id: stop', '    - id: pause\n      type: wait\n      for: 1 week\n      next: hello\n    - id: stop');
    expect((await check(withWait)).errors).toEqual([]);
  });

  it('reports duplicate step ids at the second one', async () => {
    const r = await check(`  steps:\n${EMAIL}${EMAIL}`);
    expect(r.errors).toContainEqual(expect.objectContaining({ code: 'duplicate-step-id', line: 15 }));
  });

  it('reports a missing template file, and a language variant without its file', async () => {
    const r = await check(`  steps:\n${EMAIL.replace('mail/hello', 'mail/missing')}`);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'missing-template', line: 13 })]);
    const fr = await check(`  steps:\n${EMAIL}      languages:\n        fr: { subject: Bonjour }\n`);
    expect(fr.errors).toEqual([expect.objectContaining({ code: 'missing-template', message: expect.stringContaining('hello.fr.html.hbs') })]);
  });

  it('reports unknown Handlebars variables in the template file, at their line and column', async () => {
    const r = await check(`  steps:\n${EMAIL}`, { 'mail/hello.html.hbs': '<p>Hi {{firstName}},</p>\n<p>Your plan: {{plan}}</p>\n{{vars.product}}' });
    expect(r.errors).toEqual([
      expect.objectContaining({ code: 'unknown-variable', file: 'mail/hello.html.hbs', line: 2, message: expect.stringContaining('"plan"') }),
      expect.objectContaining({ code: 'unknown-variable', file: 'mail/hello.html.hbs', line: 3, message: expect.stringContaining('spec.variables') }),
    ]);
    const declared = await check(`  fields: { plan: string }\n  variables: { product: Relance }\n  steps:\n${EMAIL}`, { 'mail/hello.html.hbs': '{{plan}} {{vars.product}} {{#each tags}}{{this}} {{name}}{{/each}}' });
    expect(declared.errors).toEqual([]);
  });

  it('reports unknown variables and helpers in the subject, and template syntax errors', async () => {
    const r = await check(`  steps:\n${EMAIL.replace('Hello {{firstName}}', 'Hello {{frstName}} {{shout firstName}}')}`);
    expect(r.errors.map((e) => e.code).sort()).toEqual(['unknown-helper', 'unknown-variable']);
    expect(r.errors.find((e) => e.code === 'unknown-variable')!.message).toContain('did you mean "firstName"?');
    const broken = await check(`  steps:\n${EMAIL}`, { 'mail/hello.html.hbs': '<p>\n{{#if firstName}}Hi</p>' });
    expect(broken.errors).toEqual([expect.objectContaining({ code: 'template-syntax', file: 'mail/hello.html.hbs' })]);
  });

  it('allows one single form', async () => {
    const r = await check(`  form: { id: demo }\n  exitOn: [form]\n  steps:\n${EMAIL}    - id: c\n      type: condition\n      if: { formSubmitted: webinar }\n      then: e\n      else: e\n    - id: e\n      type: exit\n`);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'multiple-forms', message: expect.stringContaining('"webinar" would be a second one') })]);
    const none = await check(`  exitOn: [form]\n  steps:\n${EMAIL}`);
    expect(none.errors).toEqual([expect.objectContaining({ code: 'no-form' })]);
  });

  it('refuses quotas over the provider limit', async () => {
    const r = await check(`  quotas: { gmail: 2000, outlook: 150 }\n  steps:\n${EMAIL}`);
    expect(r.errors).toEqual([expect.objectContaining({ code: 'quota-over-limit', line: 10, message: expect.stringContaining("150 emails a week to Outlook is over the provider's limit of 100") })]);
  });

  it('refuses a schedule with no allowed slot, and a bad time zone', async () => {
    const r = await check(`  schedule:\n    timezone: Europe/Pariss\n    businessDays: true\n    days: [sat, sun]\n    hours: ["18:00-09:00"]\n  steps:\n${EMAIL}`);
    expect(r.errors.map((e) => e.code).sort()).toEqual(['bad-timezone', 'empty-hours', 'no-send-slot']);
  });

  it('refuses a wait with both for and until, and a relative wait on a non-date field', async () => {
    const r = await check(`  steps:\n${EMAIL}    - id: w\n      type: wait\n      for: 1 day\n      until: 2026-12-01\n    - id: w2\n      type: wait\n      until: { field: company, before: 1 day }\n`);
    expect(r.errors.map((e) => e.code)).toEqual(['wait-form', 'field-not-date']);
  });

  it('requires trigger parameters', async () => {
    const r = await check(`  steps:\n${EMAIL}`.replace('', ''));
    expect(r.errors).toEqual([]);
    const t = await check(`  steps:\n${EMAIL}`);
    expect(t.errors).toEqual([]);
    const dir = await tempDir({
      't.yaml': HEADER.replace('    lists: [newsletter]\n', '    triggers:\n      - on: list-added\n      - on: api\n        list: x\n') + `  steps:\n${EMAIL}`,
      'mail/hello.html.hbs': 'hi',
    });
    const result = await validatePaths([join(dir, 't.yaml')]);
    expect(result.errors.map((e) => [e.code, e.line])).toEqual([['trigger-param', 8], ['trigger-param', 10]]);
  });

  it('checks what a catalogue template needs', async () => {
    const r = await check(`  template: standard\n  campaigns:\n    initial: { template: mail/hello, subject: Hi }\n    globl-1: { template: mail/hello, subject: Hi }\n`);
    expect(r.errors.map((e) => e.code).sort()).toEqual(['missing-campaign', 'missing-form', 'unknown-campaign']);
    const hyper = await check(`  template: hyper-personalized\n  form: { id: f }\n  campaigns: {}\n`);
    expect(hyper.errors.map((e) => e.code)).toContain('missing-segment');
  });

  it('refuses engagement conditions in a list segment', async () => {
    const r = await check(`  steps:\n${EMAIL}`.replace('  steps:', '  steps:'), undefined);
    expect(r.errors).toEqual([]);
    const dir = await tempDir({ 't.yaml': HEADER.replace('lists: [newsletter]', 'lists: [newsletter]\n    segment: { opened: hello }') + `  steps:\n${EMAIL}`, 'mail/hello.html.hbs': 'hi' });
    expect((await validatePaths([dir])).errors).toEqual([expect.objectContaining({ code: 'engagement-before-entry', line: 8 })]);
  });

  it('warns (without failing) on unsigned webhooks', async () => {
    const r = await check(`  steps:\n${EMAIL}    - id: crm\n      type: webhook\n      url: http://crm.acme.test/hook\n`);
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => w.code).sort()).toEqual(['webhook-insecure', 'webhook-unsigned']);
    expect(r.valid).toBe(true);
  });

  it('warns when exitOn makes a later engagement test always false', async () => {
    const r = await check(`  steps:\n${EMAIL}    - id: w\n      type: wait-for\n      condition: { replied: hello }\n      timeout: 7 days\n      onTimeout: end\n    - id: end\n      type: exit\n`);
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([expect.objectContaining({ code: 'exit-hides-condition', line: 17 })]);
    const kept = await check(`  exitOn: [unsubscribe]\n  steps:\n${EMAIL}    - id: w\n      type: wait-for\n      condition: { replied: hello }\n      timeout: 7 days\n      onTimeout: end\n    - id: end\n      type: exit\n`);
    expect(kept.warnings).toEqual([]);
  });

  it('refuses two files with the same scenario name', async () => {
    const dir = await tempDir({ 'a.yaml': HEADER + `  steps:\n${EMAIL}`, 'b.yaml': HEADER + `  steps:\n${EMAIL}`, 'mail/hello.html.hbs': 'hi' });
    const result = await validatePaths([dir]);
    expect(result.errors).toEqual([expect.objectContaining({ code: 'duplicate-name', line: 4, file: join(dir, 'b.yaml') })]);
  });

  it('refuses a 50 MB file whole, before reading it', async () => {
    const dir = await tempDir({ 'big.yaml': Buffer.alloc(50 * 1024 * 1024, 'a: 1\n') });
    const result = await validatePaths([dir]);
    expect(result.errors).toEqual([expect.objectContaining({ code: 'unreadable', message: expect.stringContaining('50.0 MB') })]);
  });
});
