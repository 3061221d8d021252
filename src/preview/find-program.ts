import { findProgram, isExecutable } from '../util/find-program.js';

export { findProgram, isExecutable };

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
