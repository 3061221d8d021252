import type { Scenario } from '../schema/scenario.gen.js';

/** Contact fields every contact may have, whatever the import provided. */
export const BUILTIN_FIELDS: Record<string, 'string' | 'number' | 'date' | 'list'> = {
  email: 'string', firstName: 'string', lastName: 'string', company: 'string', jobTitle: 'string',
  phone: 'string', country: 'string', city: 'string', language: 'string', score: 'number',
  tags: 'list', status: 'string', createdAt: 'date',
};

/** Names the renderer provides besides contact fields (SPEC 3.3: unsubscribe link, form link). */
export const BUILTIN_VARIABLES = ['contact', 'vars', 'sender', 'scenario', 'step', 'unsubscribeUrl', 'formUrl', 'viewInBrowserUrl', 'today'];

/** Helpers templates may call: Handlebars' own plus relance's (registered by the renderer). */
export const HELPERS = [
  'if', 'unless', 'each', 'with', 'lookup', 'log',
  'default', 'upper', 'lower', 'capitalize', 'formatDate', 'eq', 'ne', 'gt', 'lt', 'and', 'or', 'not',
];

export function fieldType(scenario: Scenario, name: string): string | undefined {
  return scenario.spec.fields?.[name] ?? BUILTIN_FIELDS[name];
}

/** Every top-level name a template of this scenario may use. */
export function knownNames(scenario: Scenario): Set<string> {
  return new Set([...Object.keys(BUILTIN_FIELDS), ...Object.keys(scenario.spec.fields ?? {}), ...BUILTIN_VARIABLES]);
}
