import { readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { Redis } from 'ioredis';
import type { StepGraph } from '../schema/compiled.js';
import type { Keys } from '../state/keys.js';

/**
 * Copies the email templates a scenario uses into Redis (`templates:<scenario>`), keyed by their
 * path relative to the scenario file. Workers on any machine render from there at send time, so
 * a template edit reaches the next send without a new version (SPEC 3.2, 3.3: content bound late).
 * Returns how many templates changed.
 */
export async function publishTemplates(redis: Redis, keys: Keys, name: string, scenarioFile: string, graph: StepGraph): Promise<number> {
  const dir = dirname(scenarioFile);
  const files = new Map<string, string>();
  for (const id of graph.order) {
    const step = graph.steps[id]!.step;
    if (step.type !== 'email') continue;
    const bases = [step.template, ...Object.values(step.languages ?? {}).flatMap((v) => (v?.template ? [v.template] : []))];
    for (const base of bases) {
      const folder = join(dir, dirname(base));
      let names: string[] = [];
      try { names = readdirSync(folder); } catch { continue; }
      // The base's own files and its language variants: base.html.hbs, base.fr.txt.hbs, …
      const stem = basename(base);
      for (const file of names) {
        if (file.startsWith(`${stem}.`) && file.endsWith('.hbs')) files.set(relative(dir, join(folder, file)), readFileSync(join(folder, file), 'utf8'));
      }
    }
  }
  if (files.size === 0) return 0;
  const current = await redis.hgetall(keys.templates(name));
  const changed = [...files].filter(([path, text]) => current[path] !== text);
  if (changed.length) await redis.hset(keys.templates(name), Object.fromEntries(changed));
  return changed.length;
}
