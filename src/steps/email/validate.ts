import { join } from 'node:path';
import type { EmailStep } from '../../schema/scenario.gen.js';
import { checkInline, checkTemplateFile } from '../../templates/check.js';
import { knownNames } from '../../templates/context.js';
import { templatePaths } from '../../templates/template-store.js';
import type { StepCheckContext } from '../types.js';

/** An email has a sender, names template files that exist, and reads only known variables. */
export function checkEmail(step: EmailStep, ctx: StepCheckContext): void {
  const { scenario, source } = ctx;
  const names = knownNames(scenario);
  if (!step.from && !scenario.spec.sender) {
    ctx.error(source, 'no-sender', `email "${step.id}" has no sender: set \`spec.sender\` (or \`from\` on the email)`);
  }
  checkInline(ctx, step.subject, `${source}/subject`, names);
  if (step.preheader) checkInline(ctx, step.preheader, `${source}/preheader`, names);
  const what = `email "${step.id}"`;
  const main = templatePaths(join(ctx.dir, step.template));
  checkTemplateFile(ctx, main.html, `${source}/template`, what, names, true);
  checkTemplateFile(ctx, main.text, `${source}/template`, what, names, false);
  for (const [lang, variant] of Object.entries(step.languages ?? {})) {
    if (!variant) continue;
    const paths = variant.template ? templatePaths(join(ctx.dir, variant.template)) : templatePaths(join(ctx.dir, step.template), lang);
    const pointer = `${source}/languages/${lang}${variant.template ? '/template' : ''}`;
    checkTemplateFile(ctx, paths.html, pointer, `the ${lang} version of email "${step.id}"`, names, true);
    checkTemplateFile(ctx, paths.text, pointer, `the ${lang} version of email "${step.id}"`, names, false);
    if (variant.subject) checkInline(ctx, variant.subject, `${pointer.replace(/\/template$/, '')}/subject`, names);
  }
}
