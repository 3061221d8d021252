import { parentPort, workerData } from 'node:worker_threads';
import { loadScenarioFile } from '../load/load-scenario.js';
import { TemplateStore } from '../templates/template-store.js';
import type { WorkerInput } from './parallel.js';
import { checkLoaded } from './validate.js';

// One worker of a parallel validation: claims files from the shared counter until none is left,
// and answers each with its diagnostics and, when valid and wanted, its scenario and graph.
const { files, next, keep } = workerData as WorkerInput;
const templates = new TemplateStore();
for (let i = Atomics.add(next, 0, 1); i < files.length; i = Atomics.add(next, 0, 1)) {
  parentPort!.postMessage([i, checkLoaded(loadScenarioFile(files[i]!), templates, keep)]);
}
