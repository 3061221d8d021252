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

/**
 * Debian's Chromium (`apt-get install chromium`): RELANCE_CHROMIUM when set, else
 * /usr/bin/chromium, else `chromium` or `chromium-browser` on PATH. A RELANCE_CHROMIUM that does
 * not run is reported rather than silently replaced by another browser.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env, candidates = ['/usr/bin/chromium', 'chromium', 'chromium-browser']): { path?: string; reason?: string } {
  const wanted = env.RELANCE_CHROMIUM?.trim();
  if (wanted) return isExecutable(wanted) ? { path: wanted } : { reason: `RELANCE_CHROMIUM=${wanted} is not an executable file` };
  const path = findProgram(candidates, env.PATH ?? '');
  return path ? { path } : { reason: 'Chromium not installed (apt-get install chromium)' };
}
