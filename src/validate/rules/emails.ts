import { join } from 'node:path';
import type { EmailStep } from '../../schema/scenario.gen.js';
import { HELPERS, knownNames } from '../../templates/context.js';
import { parseSource, templatePaths, type TemplateSource } from '../../templates/template-store.js';
import { didYouMean } from '../../util/did-you-mean.js';
import type { Rule, RuleContext } from '../rule-context.js';

/** Every email names template files that exist, has a sender, and reads only known variables. */
export const emailContent: Rule = (ctx) => {
  const { graph, scenario } = ctx;
  if (!graph) return;
  const names = knownNames(scenario);
  for (const id of graph.order) {
    const { step, source } = graph.steps[id]!;
    if (step.type === 'task') checkInline(ctx, step.title, `${source}/title`, names);
    if (step.type !== 'email') continue;
    if (!step.from && !scenario.spec.sender) {
      ctx.error(source, 'no-sender', `email "${id}" has no sender: set \`spec.sender\` (or \`from\` on the email)`);
    }
    checkInline(ctx, step.subject, `${source}/subject`, names);
    if (step.preheader) checkInline(ctx, step.preheader, `${source}/preheader`, names);
    checkFiles(ctx, step, source, names);
  }
  const footer = scenario.spec.unsubscribe?.text;
  if (footer) checkInline(ctx, footer, '/spec/unsubscribe/text', names);
};

function checkFiles(ctx: RuleContext, step: EmailStep, source: string, names: Set<string>): void {
  const main = templatePaths(join(ctx.dir, step.template));
  checkTemplateFile(ctx, main.html, `${source}/template`, `email "${step.id}"`, names, true);
  checkTemplateFile(ctx, main.text, `${source}/template`, `email "${step.id}"`, names, false);
  for (const [lang, variant] of Object.entries(step.languages ?? {})) {
    if (!variant) continue;
    const paths = variant.template ? templatePaths(join(ctx.dir, variant.template)) : templatePaths(join(ctx.dir, step.template), lang);
    const pointer = `${source}/languages/${lang}${variant.template ? '/template' : ''}`;
    checkTemplateFile(ctx, paths.html, pointer, `the ${lang} version of email "${step.id}"`, names, true);
    checkTemplateFile(ctx, paths.text, pointer, `the ${lang} version of email "${step.id}"`, names, false);
    if (variant.subject) checkInline(ctx, variant.subject, `${pointer.replace(/\/template$/, '')}/subject`, names);
  }
}

function checkTemplateFile(ctx: RuleContext, path: string, pointer: string, what: string, names: Set<string>, required: boolean): void {
  const source = ctx.templates.get(path);
  if (!source) {
    if (required) ctx.error(pointer, 'missing-template', `${what}: template file ${path} does not exist`);
    return;
  }
  if (source.parseError) {
    ctx.reportIn(path, source.parseError.line, source.parseError.column, 'error', 'template-syntax', source.parseError.message);
    return;
  }
  for (const problem of unknownNames(source, names, ctx)) {
    ctx.reportIn(path, problem.line, problem.column, 'error', problem.code, problem.message);
  }
}

/** Handlebars inside YAML (subjects, task titles): positions point at the YAML value. */
function checkInline(ctx: RuleContext, text: string, pointer: string, names: Set<string>): void {
  const source = parseSource('', text);
  if (source.parseError) {
    ctx.error(pointer, 'template-syntax', source.parseError.message);
    return;
  }
  for (const problem of unknownNames(source, names, ctx)) ctx.error(pointer, problem.code, problem.message);
}

interface NameProblem { line: number; column: number; code: string; message: string }

function unknownNames(source: TemplateSource, names: Set<string>, ctx: RuleContext): NameProblem[] {
  const problems: NameProblem[] = [];
  const vars = ctx.scenario.spec.variables ?? {};
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
    if (ref.head === 'formUrl' && !ctx.scenario.spec.form) {
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
