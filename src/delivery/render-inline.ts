import Handlebars from 'handlebars';

const hb = Handlebars.create();
const cache = new Map<string, HandlebarsTemplateDelegate>();

/** Renders a short Handlebars text (a task title) against contact fields; never throws. */
export function renderInline(text: string, fields: Record<string, unknown>): string {
  try {
    let template = cache.get(text);
    if (!template) cache.set(text, (template = hb.compile(text, { noEscape: true })));
    return template({ ...fields, contact: fields });
  } catch {
    return text;
  }
}
