import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Ajv2020, ValidateFunction } from 'ajv/dist/2020.js';
import type addFormatsModule from 'ajv-formats';
import type { Scenario } from './scenario.gen.js';

export const SCHEMA_URL = new URL('../../schema/scenario.schema.json', import.meta.url);

export type JsonSchema = { [key: string]: unknown };

let cached: { ajv: Ajv2020; validate: ValidateFunction<Scenario>; schema: JsonSchema; pointers: Map<object, string> } | undefined;

/** The committed JSON Schema, compiled once per process (the compile is the slow part). */
export function scenarioSchema() {
  if (cached) return cached;
  const schema = JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as JsonSchema;
  // Required here, not imported: a process that meets only valid files (with the build's
  // precompiled validator) never loads the whole of ajv.
  const require = createRequire(import.meta.url);
  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const addFormats = require('ajv-formats') as typeof addFormatsModule;
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    discriminator: true,
    strict: true,
    strictTypes: false,
    strictRequired: false,
  });
  // ajv-formats is CommonJS: its plugin is under `.default`.
  addFormats.default(ajv, ['email', 'uri']);
  const validate = ajv.compile<Scenario>(schema);
  cached = { ajv, validate, schema, pointers: indexPointers(schema) };
  return cached;
}

export function schemaId(): string {
  return String(scenarioSchema().schema.$id);
}

type Check = ((data: unknown) => boolean) & { errors?: unknown };
let fast: Check | null | undefined;

/**
 * True when `data` is a valid scenario. Uses the validator precompiled at build time when there
 * is one (dist/), so a process that only validates never compiles the schema; explaining errors
 * still uses `scenarioSchema()`, whose errors carry the schema objects they came from.
 */
export function isValidScenario(data: unknown): data is Scenario {
  if (fast === undefined) {
    try {
      fast = createRequire(import.meta.url)('./validate-scenario.cjs') as Check;
    } catch {
      fast = null; // running from sources (tests): no build output
    }
  }
  return fast ? fast(data) : scenarioSchema().validate(data);
}

/** Maps each schema object to its JSON pointer, so an ajv error's `parentSchema` can be revalidated. */
function indexPointers(schema: JsonSchema): Map<object, string> {
  const map = new Map<object, string>();
  const walk = (node: unknown, pointer: string): void => {
    if (node === null || typeof node !== 'object') return;
    map.set(node, pointer);
    for (const [key, child] of Object.entries(node)) walk(child, `${pointer}/${key}`);
  };
  walk(schema, '');
  return map;
}

/** Resolves a local `$ref` (`#/$defs/x`) against the root schema. */
export function resolveRef(node: JsonSchema): JsonSchema {
  let current = node;
  for (let guard = 0; typeof current.$ref === 'string' && guard < 20; guard++) {
    const path = current.$ref.replace(/^#\//, '').split('/');
    let target: unknown = scenarioSchema().schema;
    for (const segment of path) target = (target as JsonSchema)[segment];
    current = target as JsonSchema;
  }
  return current;
}
