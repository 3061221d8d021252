import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RelanceError } from '../errors.js';

/** `--out` names a folder relance must not empty: it holds files that are not previews. */
export class PreviewOutError extends RelanceError {
  override readonly code = 'PREVIEW_OUT';
}

/**
 * An empty output folder: created when missing, emptied when it holds an earlier preview (its
 * `manifest.json`), so files of a renamed step do not linger; any other non-empty folder is
 * refused rather than wiped.
 */
export function prepareOutFolder(out: string): void {
  if (!existsSync(out)) {
    mkdirSync(out, { recursive: true });
    return;
  }
  if (!statSync(out).isDirectory()) throw new PreviewOutError(`--out ${out} is a file, not a folder`);
  const entries = readdirSync(out);
  if (entries.length === 0) return;
  if (!entries.includes('manifest.json')) {
    throw new PreviewOutError(`--out ${out} is not empty and holds no earlier preview (no manifest.json): choose another folder, or empty it`);
  }
  for (const entry of entries) rmSync(join(out, entry), { recursive: true, force: true });
}
