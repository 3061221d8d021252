// Compiles the JSON Schema into a standalone CommonJS validator at build time (dist/schema/),
// so no process pays ajv's schema compilation (~200 ms) just to validate. Generated from the
// committed schema on every build: it cannot drift from it.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import standaloneCode from 'ajv/dist/standalone/index.js';

const schema = JSON.parse(await readFile(new URL('../schema/scenario.schema.json', import.meta.url), 'utf8'));
// It only answers "valid or not" (errors are explained by the full ajv in scenario-schema.ts),
// so it stops at the first error and keeps no error details: a third of the code, and faster.
const ajv = new Ajv2020({
  allErrors: false, verbose: false, discriminator: true, strict: true, strictTypes: false, strictRequired: false,
  code: { source: true },
});
addFormats.default(ajv, ['email', 'uri']);
const validate = ajv.compile(schema);
const out = new URL('../dist/schema/validate-scenario.cjs', import.meta.url);
await mkdir(new URL('.', out), { recursive: true });
await writeFile(out, standaloneCode.default(ajv, validate));
console.log('wrote dist/schema/validate-scenario.cjs');
