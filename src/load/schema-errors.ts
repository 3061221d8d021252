import type { ErrorObject } from 'ajv';
import { resolveRef, scenarioSchema, schemaId, type JsonSchema } from '../schema/scenario-schema.js';
import { didYouMean, quote } from '../util/did-you-mean.js';
import { pointerToPath } from './locate.js';

/** A schema problem, in words, at a JSON pointer; `onKey` points at the property's key. */
export interface SchemaProblem {
  pointer: string;
  message: string;
  onKey: boolean;
}

/**
 * Turns ajv's raw errors into a short list of messages a marketer understands: `oneOf` noise is
 * collapsed to the one branch that was meant, and each keyword gets a sentence.
 */
export function explainSchemaErrors(errors: readonly ErrorObject[]): SchemaProblem[] {
  // Errors raised inside `propertyNames` repeat the propertyNames error itself.
  const problems = collapseOneOf(errors.filter((e) => (e as { propertyName?: string }).propertyName === undefined)).flatMap(toProblem);
  const seen = new Set<string>();
  const keyed = new Set(problems.filter((p) => p.message.includes('is not a known property')).map((p) => parentOf(p.pointer)));
  return problems.filter((p) => {
    const id = `${p.pointer}\u0000${p.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    // "at least N properties" only restates an unknown property already reported there.
    return !(p.message.startsWith('needs at least') && keyed.has(p.pointer));
  });
}

function parentOf(pointer: string): string {
  return pointer.slice(0, pointer.lastIndexOf('/'));
}

/** Replaces each failed oneOf, and everything under it, by the errors of its best-fitting branch. */
function collapseOneOf(errors: readonly ErrorObject[]): ErrorObject[] {
  const failed = errors.filter((e) => (e.keyword === 'oneOf' || e.keyword === 'anyOf') && !(e.params as { passingSchemas?: unknown }).passingSchemas);
  // Outermost first: an inner oneOf is recomputed when its outer one is revalidated.
  const roots = failed.filter((e) => !failed.some((o) => o !== e && isUnder(e.instancePath, o.instancePath)));
  let rest = errors.filter((e) => !roots.some((r) => isUnder(e.instancePath, r.instancePath) || e.instancePath === r.instancePath));
  for (const root of roots) rest = rest.concat(revalidateBestBranch(root));
  return rest;
}

function isUnder(path: string, parent: string): boolean {
  return path.startsWith(parent + '/');
}

function revalidateBestBranch(error: ErrorObject): ErrorObject[] {
  const { ajv, pointers } = scenarioSchema();
  const parent = error.parentSchema as JsonSchema;
  const branches = (parent[error.keyword] as JsonSchema[]) ?? [];
  const parentPointer = pointers.get(parent);
  if (parentPointer === undefined || branches.length === 0) return [error];
  let best = 0;
  let bestScore = -Infinity;
  branches.forEach((branch, i) => {
    const score = fit(resolveRef(branch), error.data);
    if (score > bestScore) { best = i; bestScore = score; }
  });
  const validate = ajv.getSchema(`${schemaId()}#${parentPointer}/${error.keyword}/${best}`);
  if (!validate || validate(error.data)) return [error];
  const nested = (validate.errors ?? []).map((e) => ({ ...e, instancePath: error.instancePath + e.instancePath }));
  return collapseOneOf(nested);
}

/** How well `data` fits a branch, judged by the keys and type the author wrote. */
function fit(branch: JsonSchema, data: unknown): number {
  let score = 0;
  const types = branch.type === undefined ? undefined : ([] as unknown[]).concat(branch.type);
  if (types && !types.some((t) => matchesType(t as string, data))) score -= 100;
  if ('const' in branch && branch.const !== data) score -= 50;
  if (Array.isArray(branch.enum)) score -= branch.enum.includes(data) ? 0 : 40;
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
    if (!types && !branch.properties) score -= 60;
    const props = (branch.properties ?? {}) as JsonSchema;
    for (const key of Object.keys(data)) score += key in props ? 5 : -3;
    for (const key of (branch.required as string[] | undefined) ?? []) if (!(key in data)) score -= 10;
  }
  return score;
}

function matchesType(type: string, data: unknown): boolean {
  switch (type) {
    case 'array': return Array.isArray(data);
    case 'object': return data !== null && typeof data === 'object' && !Array.isArray(data);
    case 'integer': return Number.isInteger(data);
    case 'null': return data === null;
    default: return typeof data === type;
  }
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text', number: 'a number', integer: 'a whole number', boolean: 'true or false',
  array: 'a list', object: 'a map of `key: value`', null: 'nothing',
};

function toProblem(error: ErrorObject): SchemaProblem[] {
  const at = (message: string, onKey = false, pointer = error.instancePath): SchemaProblem[] => [{ pointer, message, onKey }];
  const params = error.params as Record<string, unknown>;
  const parent = (error.parentSchema ?? {}) as JsonSchema;
  const hint = typeof parent.description === 'string' ? ` ${firstSentence(parent.description)}` : '';
  const last = pointerToPath(error.instancePath).at(-1);
  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      return at(`${quote(missing)} is required here${stepContext(error)}`);
    }
    case 'additionalProperties': {
      const extra = String(params.additionalProperty);
      const known = Object.keys((parent.properties ?? {}) as object);
      const guess = didYouMean(extra, known);
      const suggestion = guess ? ` — did you mean "${guess}"?` : known.length ? ` Known properties: ${known.join(', ')}.` : '';
      return at(`${quote(extra)} is not a known property here${suggestion}`, true, `${error.instancePath}/${escape(extra)}`);
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const guess = typeof error.data === 'string' ? didYouMean(error.data, allowed) : undefined;
      return at(`${quote(error.data)} is not allowed here${guess ? ` — did you mean "${guess}"?` : `; use one of: ${allowed.join(', ')}`}`);
    }
    case 'const':
      return at(`must be ${quote(params.allowedValue)}, not ${quote(error.data)}`);
    case 'discriminator': {
      const stepTypes = tagValues(parent, String(params.tag));
      if (params.error === 'mapping') {
        const guess = typeof params.tagValue === 'string' ? didYouMean(params.tagValue, stepTypes) : undefined;
        return at(`${quote(params.tagValue)} is not a step type${guess ? ` — did you mean "${guess}"?` : ''}; use one of: ${stepTypes.join(', ')}`, false, `${error.instancePath}/type`);
      }
      return at(`"type" must be text, one of: ${stepTypes.join(', ')}`, false, `${error.instancePath}/type`);
    }
    case 'type': {
      const expected = String(params.type).split(',').map((t) => TYPE_WORDS[t] ?? t).join(' or ');
      return at(`expected ${expected}, found ${describe(error.data)}`);
    }
    case 'pattern':
      return at(`${quote(error.data)} is not valid here.${hint || ` It must match ${String(params.pattern)}.`}`);
    case 'format':
      return at(`${quote(error.data)} is not ${params.format === 'email' ? 'an email address' : params.format === 'uri' ? 'a full URL (https://…)' : `a valid ${String(params.format)}`}`);
    case 'minItems': return at(`needs at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`);
    case 'maxItems': return at(`has more than ${String(params.limit)} items`);
    case 'minLength': return at(params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters long`);
    case 'maxLength': return at(`is longer than ${String(params.limit)} characters`);
    case 'minimum': return at(`must be at least ${String(params.limit)}`);
    case 'maximum': return at(`must be at most ${String(params.limit)}`);
    case 'minProperties': return at(`needs at least ${String(params.limit)} entr${params.limit === 1 ? 'y' : 'ies'}`);
    case 'maxProperties': return at(`takes ${params.limit === 1 ? 'a single entry' : `at most ${String(params.limit)} entries`}, found ${Object.keys(error.data as object).length}`);
    case 'uniqueItems': return at(`lists the same value twice (items ${String(params.j)} and ${String(params.i)})`);
    case 'not':
      return at(`${quote(error.data)} is not allowed here`);
    case 'propertyNames': {
      const names = resolveRef((parent.propertyNames ?? {}) as JsonSchema);
      const why = typeof names.description === 'string' ? ` ${names.description}` : '';
      return at(`${quote(params.propertyName)} is not allowed as a key here.${why}`, true, `${error.instancePath}/${escape(String(params.propertyName))}`);
    }
    case 'oneOf':
    case 'anyOf':
      return at(`${last ? quote(last) : 'this value'} matches none of the accepted forms`);
    default:
      return at(error.message ?? 'is not valid');
  }
}

/** What a discriminated oneOf tells apart, from its branches: for a step, the step types in schema order. */
function tagValues(parent: JsonSchema, tag: string): string[] {
  return ((parent.oneOf ?? []) as JsonSchema[]).flatMap((branch) => {
    const value = ((resolveRef(branch).properties ?? {}) as Record<string, JsonSchema | undefined>)[tag]?.const;
    return typeof value === 'string' ? [value] : [];
  });
}

function stepContext(error: ErrorObject): string {
  const data = error.data as { type?: unknown; id?: unknown } | undefined;
  if (data && typeof data.type === 'string' && /\/steps\/\d+$/.test(error.instancePath)) {
    return ` (${data.type} step${typeof data.id === 'string' ? ` "${data.id}"` : ''})`;
  }
  return '';
}

function describe(data: unknown): string {
  if (data === null) return 'nothing';
  if (Array.isArray(data)) return 'a list';
  if (typeof data === 'object') return 'a map';
  return `${quote(data)} (${TYPE_WORDS[typeof data] ?? typeof data})`;
}

function firstSentence(text: string): string {
  return text.length > 160 ? text.slice(0, text.indexOf('.', 40) + 1 || 160) : text;
}

function escape(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
