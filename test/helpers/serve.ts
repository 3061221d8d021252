import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Keys } from '../../src/state/keys.js';
import { REDIS_URL } from './redis.js';

const ROOT = join(import.meta.dirname, '../..');

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** What the process wrote to stdout (its JSON log lines), for assertions and failures. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts the real `relance serve` (bin/relance.js, from dist/: `npm run build` first) as a process
 * of its own on a free port, against the test's Redis prefix; resolves once it listens.
 */
export async function startServe(keys: Keys, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/relance.js'), 'serve', '--port', '0', '--host', '127.0.0.1'], {
    cwd: ROOT,
    env: { ...process.env, REDIS_URL, RELANCE_PREFIX: keys.prefix.replace(/^\{|\}$/g, ''), RELANCE_SECRET: 'test-secret-0123456789abcdef', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c) => { out += c; });
  child.stderr!.on('data', (c) => { err += c; });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`relance serve did not listen within 20 s: ${out}${err}`)), 20_000);
    const look = () => {
      const m = /\{"listening":"([^"]+)"\}/.exec(out);
      if (m) { clearTimeout(timer); resolve(m[1]!); }
    };
    child.stdout!.on('data', look);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`relance serve exited (${code}): ${out}${err}`)); });
  });
  return {
    url,
    child,
    output: () => out + err,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
