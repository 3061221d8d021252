import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import type { ValidScenario } from './validate.js';

type Checked = { diagnostics: Diagnostic[]; valid?: ValidScenario };

/** Below this many files, starting workers costs more than it saves. */
export const PARALLEL_THRESHOLD = 64;
const BATCH = 25;

export function defaultJobs(files: number): number {
  // Only from the compiled build: vitest runs TypeScript sources, which a worker cannot load.
  if (!import.meta.url.endsWith('.js') || files < PARALLEL_THRESHOLD) return 1;
  return Math.min(availableParallelism(), 8);
}

/**
 * Checks files on `jobs` worker threads, handing out small batches so a slow file does not hold
 * a whole share back. Results come back in the order of `files`.
 */
export async function checkInWorkers(files: string[], jobs: number): Promise<Checked[]> {
  const results: Checked[] = new Array(files.length);
  let next = 0;
  const run = (worker: Worker) => new Promise<void>((resolve, reject) => {
    let start = 0;
    const send = () => {
      if (next >= files.length) { void worker.terminate().then(() => resolve()); return; }
      start = next;
      next = Math.min(files.length, next + BATCH);
      worker.postMessage(files.slice(start, next));
    };
    worker.on('message', (batch: Checked[]) => {
      batch.forEach((r, i) => { results[start + i] = r; });
      send();
    });
    worker.once('error', reject);
    send();
  });
  const workers = Array.from({ length: jobs }, () => new Worker(new URL('./validate-worker.js', import.meta.url)));
  await Promise.all(workers.map(run));
  return results;
}
