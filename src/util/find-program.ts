import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Whether `path` is a file this process may run. */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The first of `names` on PATH, as an absolute path; a name with a slash is taken as a path. */
export function findProgram(names: readonly string[], path = process.env.PATH ?? ''): string | undefined {
  for (const name of names) {
    if (name.includes('/')) {
      if (isExecutable(name)) return name;
      continue;
    }
    for (const dir of path.split(delimiter)) if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return undefined;
}
