import { realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { variantTemplatePaths } from '../delivery/render.js';
import type { ValidScenario } from '../validate/validate.js';

/**
 * The scenarios whose own file, or any template file one of their emails may read (every
 * language variant, HTML and text), is among `changed` (absolute paths, as git lists them).
 */
export function changedScenarios(scenarios: readonly ValidScenario[], changed: ReadonlySet<string>): ValidScenario[] {
  return scenarios.filter((s) => filesOf(s).some((f) => changed.has(f)));
}

/** The scenario file and every template path its emails name, absolute and with links resolved. */
export function filesOf({ file, scenario, graph }: ValidScenario): string[] {
  const dir = dirname(file);
  const out = [file];
  for (const id of graph.order) {
    const step = graph.steps[id]!.step;
    if (step.type !== 'email') continue;
    for (const language of [scenario.spec.language ?? 'en', ...Object.keys(step.languages ?? {})]) {
      // Both the variant's own files and the base files it falls back to.
      for (const paths of [variantTemplatePaths(step, language), variantTemplatePaths({ template: step.template }, language)]) {
        out.push(join(dir, paths.html), join(dir, paths.text));
      }
    }
  }
  return [...new Set(out.map(real))];
}

/** git prints paths under the real top-level folder: a symlinked checkout must compare the same. */
function real(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    // A file that does not exist (an optional text part): its folder may still be a link.
    try {
      return join(realpathSync(dirname(absolute)), absolute.slice(dirname(absolute).length + 1));
    } catch {
      return absolute;
    }
  }
}
