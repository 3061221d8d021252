import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputNotFoundError } from '../errors.js';

const SCENARIO_FILE = /\.ya?ml$/i;
const SKIP_DIRS = new Set(['node_modules', '.git', '.relance', 'dist', 'reports']);

/**
 * Expands paths (files or directories, recursively) into scenario files, sorted.
 * Synchronous on purpose: a thousand template folders cost a thousand thread-pool round trips
 * when listed asynchronously (120 ms), and nothing else runs while validation waits for them.
 */
export function discoverScenarioFiles(paths: readonly string[]): string[] {
  const found = new Set<string>();
  for (const path of paths) {
    const info = statSync(path, { throwIfNoEntry: false });
    if (!info) throw new InputNotFoundError(`${path}: no such file or directory`);
    if (info.isDirectory()) walk(path, found);
    else found.add(path);
  }
  return [...found].sort();
}

function walk(dir: string, found: Set<string>): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!entry.name.startsWith('.') && !SKIP_DIRS.has(entry.name)) walk(join(dir, entry.name), found);
    } else if (entry.isFile() && SCENARIO_FILE.test(entry.name)) {
      found.add(join(dir, entry.name));
    }
  }
}
