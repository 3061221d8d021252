import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// ajv and ajv-formats are CommonJS: required, as src/schema/scenario-schema.ts does.
const require = createRequire(import.meta.url);
const { Ajv } = require('ajv') as typeof import('ajv');
const addFormats = require('ajv-formats') as typeof addFormatsModule;

const ROOT = join(import.meta.dirname, '../..');
const FOLDERS = ['.github/workflows', 'docs/workflows'];

/** SchemaStore's github-workflow.json (draft-07), vendored: see test/fixtures/schemas/README.md. */
function workflowValidator() {
  const schema = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/schemas/github-workflow.json'), 'utf8')) as object;
  // strict: false: the schema has `properties` without `type: object` in places, which ajv's strict mode refuses.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv.compile(schema);
}

const validate = workflowValidator();
const problems = (workflow: unknown): string[] =>
  validate(workflow) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);

const files = FOLDERS.flatMap((dir) =>
  readdirSync(join(ROOT, dir)).filter((f) => /\.ya?ml$/.test(f)).map((f) => `${dir}/${f}`),
);
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

interface Step { uses?: string; run?: string; if?: string; env?: Record<string, string>; with?: Record<string, unknown> }
interface Job { environment?: string | { name: string }; env?: Record<string, string>; steps: Step[] }
const jobsOf = (path: string) => Object.values((parse(read(path)) as { jobs: Record<string, Job> }).jobs);
const stepsOf = (path: string) => jobsOf(path).flatMap((j) => j.steps);

describe('GitHub Actions workflows', () => {
  it('are all found: this repository\'s CI and the three templates', () => {
    expect(files).toEqual(expect.arrayContaining([
      '.github/workflows/ci.yml',
      'docs/workflows/pull-request.yml',
      'docs/workflows/apply.yml',
      'docs/workflows/scheduled-reports.yml',
    ]));
  });

  it.each(files)('%s parses and matches the workflow schema', (path) => {
    const doc = parse(read(path), { prettyErrors: true }) as unknown;
    expect(problems(doc)).toEqual([]);
  });

  // Each broken workflow must be refused for its one mistake, not for something else.
  it.each([
    ['a job without runs-on', 'on: push\njobs:\n  a:\n    steps:\n      - run: echo hi\n', "/jobs/a must have required property 'runs-on'"],
    ['a misspelt event', 'on: pull_requests\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n', '/on must be equal to one of the allowed values'],
    ['a step with both uses and run', 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        run: echo hi\n', '/jobs/a/steps/0 must match exactly one schema in oneOf'],
    ['a misspelt key', 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    step:\n      - run: echo hi\n', '/jobs/a must NOT have additional properties'],
  ])('rejects %s', (_what, text, expected) => {
    expect(problems(parse(text))).toContain(expected);
  });

  it('accepts the smallest valid workflow, so the rejections above are about their one mistake', () => {
    expect(problems(parse('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo hi\n'))).toEqual([]);
  });

  it('pull-request.yml validates, plans against the base, previews, uploads and comments', () => {
    const steps = stepsOf('docs/workflows/pull-request.yml');
    const runs = steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toMatch(/relance validate\b.*--format github/);
    expect(runs).toMatch(/relance plan\b.*--base "\$BASE"/);
    expect(runs).toMatch(/relance preview\b.*--changed-since "\$BASE".*--out previews/);
    expect(runs).toMatch(/relance ci comment\b.*--base "\$BASE".*--previews previews.*--artifact-url/);
    const upload = steps.find((s) => s.uses === 'actions/upload-artifact@v4');
    expect(upload?.with?.path).toBe('previews/');
    const comment = steps.find((s) => s.run?.includes('relance ci comment'));
    expect(comment?.env?.GITHUB_TOKEN).toBe('${{ secrets.GITHUB_TOKEN }}');
    expect(comment?.env?.ARTIFACT_URL).toBe('${{ steps.upload.outputs.artifact-url }}');
    expect(comment?.if).toContain('!cancelled()');
    const checkout = steps.find((s) => s.uses === 'actions/checkout@v4');
    expect(checkout?.with?.['fetch-depth']).toBe(0);
    const doc = parse(read('docs/workflows/pull-request.yml')) as { permissions: Record<string, string> };
    expect(doc.permissions).toEqual({ contents: 'read', 'pull-requests': 'write' });
  });

  it('apply.yml applies behind the production environment, with settings from secrets only', () => {
    const text = read('docs/workflows/apply.yml');
    const [job] = jobsOf('docs/workflows/apply.yml');
    expect(job?.environment).toBe('production');
    for (const name of ['REDIS_URL', 'SMTP_URL', 'RELANCE_SECRET']) expect(job?.env?.[name]).toBe(`\${{ secrets.${name} }}`);
    expect(job?.steps.some((s) => /relance apply\b.*--yes/.test(s.run ?? ''))).toBe(true);
    // No literal connection string outside the comments.
    const code = text.split('\n').filter((line) => !line.trimStart().startsWith('#')).join('\n');
    expect(code).not.toMatch(/\b(redis|rediss|smtp|smtps):\/\//);
    const doc = parse(text) as { concurrency: { 'cancel-in-progress': boolean } };
    expect(doc.concurrency['cancel-in-progress']).toBe(false);
  });

  it('pins every action to a major version', () => {
    const uses = files.flatMap((path) => stepsOf(path).map((s) => s.uses).filter((u): u is string => !!u));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w.-]+@v\d+$/);
  });
});
