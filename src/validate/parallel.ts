import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Checked } from './validate.js';

/** Below this many files, starting a worker costs more than it saves. */
export const PARALLEL_THRESHOLD = 64;

export function defaultJobs(files: number): number {
  // Only from the compiled build: vitest runs TypeScript sources, which a worker cannot load.
  if (!import.meta.url.endsWith('.js') || files < PARALLEL_THRESHOLD) return 1;
  return Math.min(availableParallelism(), 8);
}

export interface WorkerInput {
  files: string[];
  /** One shared counter: each thread takes the next unchecked file, so none waits for a share. */
  next: Int32Array;
  /** Send valid scenarios and graphs back (not needed when only diagnostics are wanted). */
  keep: boolean;
}

/**
 * Checks files on `jobs` threads: this one and `jobs - 1` workers. Every thread, this one
 * included, claims files from a shared counter and checks them, so work flows to whichever thread
 * is free without round trips, and this thread starts at once while the workers load their code.
 * Results come back in the order of `files`.
 */
export async function checkInParallel(files: string[], jobs: number, keep: boolean, checkHere: (file: string) => Checked): Promise<Checked[]> {
  const results: Checked[] = new Array(files.length);
  const next = new Int32Array(new SharedArrayBuffer(4));
  let missing = files.length;
  let settle: (error?: Error) => void = () => {};
  const allIn = new Promise<void>((resolve, reject) => { settle = (error) => (error ? reject(error) : resolve()); });

  const workerData: WorkerInput = { files, next, keep };
  const workers = Array.from({ length: jobs - 1 }, () => {
    const worker = new Worker(new URL('./validate-worker.js', import.meta.url), { workerData });
    worker.on('message', ([index, checked]: [number, Checked]) => {
      results[index] = checked;
      if (--missing === 0) settle();
    });
    worker.once('error', (err) => settle(err));
    // A worker that stops early (killed, out of memory) leaves the files it claimed unchecked.
    worker.once('exit', (code) => { if (missing > 0 && code !== 0) settle(new Error(`a validation worker stopped with code ${code}`)); });
    return worker;
  });

  for (let i = Atomics.add(next, 0, 1); i < files.length; i = Atomics.add(next, 0, 1)) {
    results[i] = checkHere(files[i]!);
    if (--missing === 0) settle();
  }
  try {
    await allIn;
  } finally {
    // Every file is claimed and answered; a worker still loading its code has nothing left to do.
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
