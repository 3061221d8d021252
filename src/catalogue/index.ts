import { deep } from './deep.js';
import { hyperPersonalized } from './hyper-personalized.js';
import { inactiveRelaunch } from './inactive-relaunch.js';
import { monthly } from './monthly.js';
import { noForm } from './no-form.js';
import { quarterly } from './quarterly.js';
import { quick } from './quick.js';
import { standard } from './standard.js';
import type { CatalogueTemplate, TemplateName } from './types.js';

/** The built-in templates of SPEC 3.4, registered explicitly (in the order of the table). */
export const catalogue: Record<TemplateName, CatalogueTemplate> = {
  standard,
  'hyper-personalized': hyperPersonalized,
  deep,
  quarterly,
  'no-form': noForm,
  'inactive-relaunch': inactiveRelaunch,
  quick,
  monthly,
};

export function getTemplate(name: TemplateName): CatalogueTemplate {
  const template = catalogue[name];
  if (!template) throw new Error(`unknown catalogue template "${String(name)}"`);
  return template;
}
