// Generates src/schema/scenario.gen.ts from schema/scenario.schema.json.
// `--check` exits 1 when the committed file differs (the test suite does the same).
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generateTypes, TYPES_FILE } from './gen-types-lib.mjs';

const out = await generateTypes();
if (process.argv.includes('--check')) {
  const committed = await readFile(TYPES_FILE, 'utf8').catch(() => '');
  if (committed !== out) {
    console.error(`${fileURLToPath(TYPES_FILE)} is stale: run \`npm run gen:types\``);
    process.exit(1);
  }
  console.log('types are up to date');
} else {
  await writeFile(TYPES_FILE, out);
  console.log(`wrote ${fileURLToPath(TYPES_FILE)}`);
}
