// The process that makes the report for test/bench/report.mjs: the `relance report` command's own
// code (dist/cli/commands/report.js, as `relance report SCENARIO --out DIR` runs it, on the
// RELANCE_PREFIX and REDIS_URL it is given), alone in its process so that its peak RSS is the
// report's. Prints the command's output, then one JSON line: seconds, peak RSS, the files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './common.mjs';

const [scenario, dir] = process.argv.slice(2);
const { report } = await import(join(root, 'dist/cli/commands/report.js'));
const start = process.hrtime.bigint();
await report([scenario], { out: dir, delimiter: ',' });
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
console.log(JSON.stringify({ seconds, peak_rss_mb: Math.max(hwm, process.resourceUsage().maxRSS) / 1024 }));
