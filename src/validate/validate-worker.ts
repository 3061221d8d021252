import { parentPort } from 'node:worker_threads';
import { loadScenarioFile } from '../load/load-scenario.js';
import { TemplateStore } from '../templates/template-store.js';
import { checkLoaded } from './validate.js';

// One worker of a parallel validation: receives batches of file paths, answers with each file's
// diagnostics and, when valid, its scenario and graph (plain data, cheap to clone).
const templates = new TemplateStore();
parentPort!.on('message', (files: string[]) => {
  parentPort!.postMessage(files.map((file) => checkLoaded(loadScenarioFile(file), templates)));
});
