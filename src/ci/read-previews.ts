import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PreviewManifest } from '../preview/manifest.js';

/**
 * The manifest `relance preview` wrote. Missing or unreadable, the comment says why instead of
 * failing: previews are a help to the reviewer, not a gate.
 */
export function readPreviews(dir: string | undefined): { manifest?: PreviewManifest; note?: string } {
  if (!dir) return { note: 'No previews: run `relance preview` and pass its folder with `--previews`.' };
  const file = join(dir, 'manifest.json');
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found (did `relance preview` run?)' : (err as Error).message;
    return { note: `No previews: ${file}: ${why}.` };
  }
  const manifest = data as Partial<PreviewManifest>;
  if (manifest.format !== 1 || !Array.isArray(manifest.scenarios)) return { note: `No previews: ${file} is not a relance preview manifest (format 1).` };
  return { manifest: manifest as PreviewManifest };
}
