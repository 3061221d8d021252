import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

/** A failure the sink answers with (see test/helpers/smtp-sink.mjs). */
export interface SinkRule {
  stage: 'mail' | 'rcpt' | 'data' | 'auth';
  /** Substring of the address (case-insensitive) or `/regex/flags`; empty matches everything. */
  match?: string;
  code: number;
  message?: string;
  /** Fail only the first N matching commands. */
  times?: number;
}

export interface SmtpSinkOptions {
  /** Keep each raw message (default true); false only lists envelopes. */
  store?: boolean;
  /** Count only: no per-message record, bodies dropped (benchmarks). */
  countOnly?: boolean;
  /** RCPT TO rejections: `{ 'bounce@': 550, 'busy@': 451 }`. */
  failRcpt?: Record<string, number>;
  rules?: SinkRule[];
  /** Delay before answering DATA, in ms. */
  latency?: number;
}

export interface SinkMessage {
  n: number;
  from: string;
  to: string[];
  size: number;
  file: string | null;
  /** When the sink accepted the message (after its latency), epoch ms. */
  at: number;
  /** When its transaction started (MAIL FROM), epoch ms. */
  startedAt: number;
  /** The raw message (CRLF), when stored. */
  raw: string | null;
}

export interface SinkStats {
  messages: number;
  recipients: number;
  bytes: number;
  connections: number;
  rejected: { mail: number; rcpt: number; data: number; auth: number };
  byRecipient: Record<string, number>;
}

export interface SmtpSink {
  port: number;
  /** `smtp://test:test@127.0.0.1:PORT` */
  url: string;
  stats(): Promise<SinkStats>;
  messages(filter?: { to?: string }): Promise<SinkMessage[]>;
  /** How many messages this recipient received. */
  received(address: string): Promise<number>;
  setRules(rules: SinkRule[]): Promise<void>;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

const SINK = join(dirname(fileURLToPath(import.meta.url)), 'smtp-sink.mjs');
const running = new Set<ChildProcess>();

/** Starts test/helpers/smtp-sink.mjs as a separate process; it is stopped by `stop()` or after all tests of the file. */
export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const args = [SINK, '--port', '0', '--http-port', '0', '--watch-parent'];
  let dir: string | undefined;
  if (options.countOnly) args.push('--count-only');
  else if (options.store !== false) {
    dir = await mkdtemp(join(tmpdir(), 'relance-sink-'));
    args.push('--out', dir);
  }
  for (const [pattern, code] of Object.entries(options.failRcpt ?? {})) args.push('--fail-rcpt', `${pattern}=${code}`);
  if (options.latency) args.push('--latency', String(options.latency));

  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const ready = await new Promise<{ port: number; httpPort: number }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`smtp sink did not start in 10 s: ${stderr}`)), 10_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        try {
          resolve(JSON.parse(out.slice(0, nl)) as { port: number; httpPort: number });
        } catch (err) {
          reject(err as Error);
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`smtp sink exited (${code}) before listening: ${stderr}`));
    });
  });

  const base = `http://127.0.0.1:${ready.httpPort}`;
  const get = async <T>(path: string): Promise<T> => {
    const res = await fetch(base + path);
    if (!res.ok) throw new Error(`smtp sink ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
  const post = async (path: string, body?: unknown): Promise<void> => {
    const res = await fetch(base + path, { method: 'POST', body: body === undefined ? '' : JSON.stringify(body) });
    if (!res.ok) throw new Error(`smtp sink ${path}: ${res.status} ${await res.text()}`);
  };
  if (options.rules?.length) await post('/rules', options.rules);

  let stopped: Promise<void> | undefined;
  const sink: SmtpSink = {
    port: ready.port,
    url: `smtp://test:test@127.0.0.1:${ready.port}`,
    stats: () => get<SinkStats>('/stats'),
    async messages(filter = {}) {
      const list = await get<Array<Omit<SinkMessage, 'raw'>>>(`/messages${filter.to ? `?to=${encodeURIComponent(filter.to)}` : ''}`);
      return Promise.all(list.map(async (m) => ({ ...m, raw: m.file ? await readFile(m.file, 'utf8') : null })));
    },
    async received(address) {
      const stats = await sink.stats();
      return stats.byRecipient[address] ?? 0;
    },
    setRules: (rules) => post('/rules', rules),
    reset: () => post('/reset'),
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        running.delete(child);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }).then(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));
      return stopped;
    },
  };
  stops.add(sink.stop);
  return sink;
}

const stops = new Set<() => Promise<void>>();

afterAll(async () => {
  await Promise.all([...stops].map((stop) => stop()));
  stops.clear();
});

// Last resort if the test process exits without afterAll (crash): do not leave sinks behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
