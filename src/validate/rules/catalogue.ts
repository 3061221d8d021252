import { catalogue } from '../../catalogue/index.js';
import type { Rule } from '../rule-context.js';

/** A catalogue template needs all its campaigns, its segments and its form. */
export const catalogueNeeds: Rule = ({ scenario, error }) => {
  const { spec } = scenario;
  if (!spec.template) return;
  const template = catalogue[spec.template];
  const campaigns = spec.campaigns ?? {};
  const keys = template.slots.map((s) => s.key);
  const missing = template.slots.filter((s) => !campaigns[s.key]);
  if (missing.length > 0) {
    const where = spec.campaigns ? '/spec/campaigns' : '/spec/template';
    error(where, 'missing-campaign', `the ${template.name} template needs ${keys.length} campaigns; missing: ${missing.map((s) => `\`${s.key}\` (${s.label})`).join(', ')}`);
  }
  for (const key of Object.keys(campaigns)) {
    if (!keys.includes(key)) error(`/spec/campaigns/${key}`, 'unknown-campaign', `the ${template.name} template has no campaign "${key}"; its campaigns are: ${keys.join(', ')}`, { onKey: true });
  }
  if (template.needsForm && !spec.form) {
    error('/spec/template', 'missing-form', `the ${template.name} template leaves out contacts who submitted the form: declare the scenario's form under \`spec.form\``);
  }
  if (template.needsSegments) {
    for (const s of ['a', 'b'] as const) {
      if (!spec.segments?.[s]) error(spec.segments ? '/spec/segments' : '/spec/template', 'missing-segment', `the ${template.name} template splits contacts in two segments: add \`segments.${s}\` (a condition on contact fields)`);
    }
  } else if (spec.segments) {
    error('/spec/segments', 'segments-unused', `the ${template.name} template does not use segments`);
  }
};
