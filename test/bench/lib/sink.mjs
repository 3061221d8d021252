// Starts test/helpers/smtp-sink.mjs as a process of its own (it never shares a CPU's event loop
// with the code measured) and talks to its HTTP control port.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { processCpuSeconds, root } from './common.mjs';

/**
 * Spawns the sink with `args` and waits for its first stdout line, `{ port, httpPort, pid }`.
 * `stderr` is where its complaints go ('inherit', or 'pipe' to log them elsewhere).
 */
export async function spawnSink(args, stderr = 'inherit') {
  const child = spawn(process.execPath, [join(root, 'test/helpers/smtp-sink.mjs'), '--port', '0', '--http-port', '0', '--watch-parent', ...args], { stdio: ['pipe', 'pipe', stderr] });
  const ready = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the SMTP sink did not start in 10 s')), 10_000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      resolve(JSON.parse(out.slice(0, nl)));
    });
    child.once('exit', (code) => reject(new Error(`the SMTP sink exited (${code}) before listening`)));
  });
  return { child, ready };
}

export async function startSink(args = ['--count-only']) {
  const { child, ready } = await spawnSink(args);
  const base = `http://127.0.0.1:${ready.httpPort}`;
  return {
    port: ready.port,
    pid: ready.pid,
    url: `smtp://127.0.0.1:${ready.port}`,
    async stats() {
      const res = await fetch(`${base}/stats`);
      const { byRecipient, ...stats } = await res.json();
      const counts = Object.values(byRecipient);
      return { ...stats, distinctRecipients: counts.length, maxPerRecipient: counts.reduce((a, b) => Math.max(a, b), 0) };
    },
    async reset() {
      await fetch(`${base}/reset`, { method: 'POST' });
    },
    /** CPU time the sink process used so far (user + system, seconds), from /proc. */
    cpuSeconds: () => processCpuSeconds(ready.pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
