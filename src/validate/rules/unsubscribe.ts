import { checkInline } from '../../templates/check.js';
import { knownNames } from '../../templates/context.js';
import type { Rule } from '../rule-context.js';

/** Languages with a built-in unsubscribe footer (SPEC 3.3: in the scenario's language). */
export const FOOTER_LANGUAGES = ['en', 'fr', 'de', 'es', 'it', 'nl', 'pt'];

export const unsubscribeFooter: Rule = ({ scenario, error }) => {
  const u = scenario.spec.unsubscribe;
  const language = u?.language ?? scenario.spec.language ?? 'en';
  const base = language.slice(0, 2);
  if (u?.text) {
    if (!u.text.includes('{{unsubscribeUrl}}')) error('/spec/unsubscribe/text', 'unsubscribe-link', 'the unsubscribe text must contain the link `{{unsubscribeUrl}}`');
  } else if (!FOOTER_LANGUAGES.includes(base)) {
    const at = u?.language ? '/spec/unsubscribe/language' : scenario.spec.language ? '/spec/language' : '/spec';
    error(at, 'unsubscribe-language', `no built-in unsubscribe text in "${language}" (there is: ${FOOTER_LANGUAGES.join(', ')}); write your own under \`spec.unsubscribe.text\``);
  }
};

/** A footer of one's own is a template too: only known names, checked when there are steps to run, like the emails. */
export const footerNames: Rule = (ctx) => {
  const footer = ctx.scenario.spec.unsubscribe?.text;
  if (ctx.graph && footer) checkInline(ctx, footer, '/spec/unsubscribe/text', knownNames(ctx.scenario));
};
