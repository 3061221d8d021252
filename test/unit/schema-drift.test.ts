import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM script shared with `npm run gen:types`, no type declarations.
import { generateTypes, TYPES_FILE } from '../../scripts/gen-types-lib.mjs';

describe('generated types', () => {
  it('match the committed JSON Schema (run `npm run gen:types` after editing the schema)', async () => {
    const committed = await readFile(TYPES_FILE, 'utf8');
    expect(await generateTypes()).toBe(committed);
  }, 60_000);
});
