import type { Severity } from '../diagnostics/diagnostic.js';
import type { Scenario } from '../schema/scenario.gen.js';
import { didYouMean } from '../util/did-you-mean.js';
import { HELPERS } from './context.js';
import { parseSource, type TemplateSource, type TemplateStore } from './template-store.js';

/** Where template checks report: a validation rule's context fits, and so does a step's. */
export interface TemplateChecks {
  scenario: Scenario;
  templates: TemplateStore;
  error(pointer: string, code: string, message: string): void;
  reportIn(file: string, line: number, column: number, severity: Severity, code: string, message: string): void;
}

/** A template file: it exists (when `required`), parses, and reads only known names. */
export function checkTemplateFile(ctx: TemplateChecks, path: string, pointer: string, what: string, names: Set<string>, required: boolean): void {
  const source = ctx.templates.get(path);
  if (!source) {
    if (required) ctx.error(pointer, 'missing-template', `${what}: template file ${path} does not exist`);
    return;
  }
  if (source.parseError) {
    ctx.reportIn(path, source.parseError.line, source.parseError.column, 'error', 'template-syntax', source.parseError.message);
    return;
  }
  for (const problem of unknownNames(source, names, ctx.scenario)) {
    ctx.reportIn(path, problem.line, problem.column, 'error', problem.code, problem.message);
  }
}

/** Handlebars inside YAML (subjects, task titles): positions point at the YAML value. */
export function checkInline(ctx: TemplateChecks, text: string, pointer: string, names: Set<string>): void {
  const source = parseSource('', text);
  if (source.parseError) {
    ctx.error(pointer, 'template-syntax', source.parseError.message);
    return;
  }
  for (const problem of unknownNames(source, names, ctx.scenario)) ctx.error(pointer, problem.code, problem.message);
}

interface NameProblem { line: number; column: number; code: string; message: string }

function unknownNames(source: TemplateSource, names: Set<string>, scenario: Scenario): NameProblem[] {
  const problems: NameProblem[] = [];
  const vars = scenario.spec.variables ?? {};
  for (const ref of source.references ?? []) {
    const at = { line: ref.line, column: ref.column };
    if (ref.helper) {
      if (!HELPERS.includes(ref.head)) {
        const guess = didYouMean(ref.head, HELPERS);
        problems.push({ ...at, code: 'unknown-helper', message: `{{${ref.head} …}} is not a known helper${guess ? ` — did you mean "${guess}"?` : `; helpers are: ${HELPERS.join(', ')}`}` });
      }
      continue;
    }
    if (ref.head === 'vars') {
      const name = ref.path.split('.')[1];
      if (name && !(name in vars)) {
        problems.push({ ...at, code: 'unknown-variable', message: `{{${ref.path}}}: no scenario variable "${name}"; declare it under \`spec.variables\`${hint(name, Object.keys(vars))}` });
      }
      continue;
    }
    if (ref.head === 'contact') {
      const name = ref.path.split('.')[1];
      if (name && !names.has(name)) problems.push({ ...at, code: 'unknown-variable', message: unknownField(ref.path, name, names) });
      continue;
    }
    if (ref.head === 'formUrl' && !scenario.spec.form) {
      problems.push({ ...at, code: 'no-form', message: '{{formUrl}} links to the scenario\'s form, but the scenario has none: declare it under `spec.form`' });
      continue;
    }
    if (!names.has(ref.head) && !HELPERS.includes(ref.head)) problems.push({ ...at, code: 'unknown-variable', message: unknownField(ref.path, ref.head, names) });
  }
  return problems;
}

function unknownField(path: string, name: string, names: Set<string>): string {
  return `{{${path}}}: no contact field or variable "${name}" provides this${hint(name, names)}; declare custom contact fields under \`spec.fields\``;
}

function hint(name: string, candidates: Iterable<string>): string {
  const guess = didYouMean(name, candidates);
  return guess ? ` (did you mean "${guess}"?)` : '';
}
