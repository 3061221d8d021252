import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';

/** Scenario files are small; anything bigger is refused before it is read. */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

export type ReadResult = { ok: true; text: string } | { ok: false; reason: string };

/**
 * Reads a text file, refusing it whole when it is larger than `maxBytes` or not text.
 * Synchronous on purpose: for files this small the thread-pool round trips cost more than the read.
 */
export function readTextFile(path: string, maxBytes = MAX_SCENARIO_BYTES): ReadResult {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    return { ok: false, reason: `cannot open the file (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  try {
    const { size } = fstatSync(fd);
    if (size > maxBytes) {
      return { ok: false, reason: `the file is ${formatBytes(size)}; scenario files are limited to ${formatBytes(maxBytes)}` };
    }
    const buffer = readFileSync(fd);
    if (buffer.includes(0)) return { ok: false, reason: 'the file is binary, not YAML text' };
    let text = buffer.toString('utf8');
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    return { ok: true, text };
  } finally {
    closeSync(fd);
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}
