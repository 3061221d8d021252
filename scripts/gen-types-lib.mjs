import { readFile } from 'node:fs/promises';
import { compile } from 'json-schema-to-typescript';

export const SCHEMA_FILE = new URL('../schema/scenario.schema.json', import.meta.url);
export const TYPES_FILE = new URL('../src/schema/scenario.gen.ts', import.meta.url);

const BANNER = `/* eslint-disable */
/**
 * Generated from schema/scenario.schema.json by \`npm run gen:types\`. Do not edit:
 * change the schema and regenerate (a test fails when this file drifts).
 */`;

export async function generateTypes() {
  const schema = stripRefSiblings(JSON.parse(await readFile(SCHEMA_FILE, 'utf8')));
  return compile(schema, 'Scenario', {
    bannerComment: BANNER,
    additionalProperties: false,
    unreachableDefinitions: false,
    strictIndexSignatures: true,
    format: true,
    style: { singleQuote: true, printWidth: 110 },
    cwd: fileURLToDir(SCHEMA_FILE),
  });
}

function fileURLToDir(url) {
  return new URL('.', url).pathname;
}

// A `$ref` with a sibling `description` makes the generator mint a new type per use site
// (Condition1, Condition2, ...). Editors want those descriptions; the types do not.
function stripRefSiblings(node) {
  if (Array.isArray(node)) return node.map(stripRefSiblings);
  if (node === null || typeof node !== 'object') return node;
  if (typeof node.$ref === 'string') return { $ref: node.$ref };
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, stripRefSiblings(v)]));
}
