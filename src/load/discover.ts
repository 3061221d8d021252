import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InputNotFoundError } from '../errors.js';

const SCENARIO_FILE = /\.ya?ml$/i;
const SKIP_DIRS = new Set(['node_modules', '.git', '.relance', 'dist', 'reports']);

/** Expands paths (files or directories, recursively) into scenario files, sorted. */
export async function discoverScenarioFiles(paths: readonly string[]): Promise<string[]> {
  const found = new Set<string>();
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new InputNotFoundError(`${path}: no such file or directory`);
    if (info.isDirectory()) await walk(path, found);
    else found.add(path);
  }
  return [...found].sort();
}

async function walk(dir: string, found: Set<string>): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const entry of entries) {
    if (entry.name.startsWith('.') && entry.isDirectory()) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) await walk(path, found);
    } else if (entry.isFile() && SCENARIO_FILE.test(entry.name)) {
      found.add(path);
    }
  }
}
