// `npm run bench -- NAME`: runs test/bench/NAME.mjs. Benchmarks print their figures, the baseline
// measured in the same run, and end with one JSON line. They never assert timings.
import { readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const name = process.argv[2];
const available = readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.mjs') && f !== 'run.mjs').map((f) => f.slice(0, -4));
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- NAME   (one of: ${available.join(', ')})`);
  process.exit(64);
}
await import(pathToFileURL(new URL(`./${name}.mjs`, import.meta.url).pathname).href);
