import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findProgram } from './find-program.js';
import { parseSpamReport, type SpamScore } from './spam-report.js';

/** Scores messages with SpamAssassin's local rules only (no DNS, no network tests). */
export interface SpamScorer {
  /** `spamd`: one private daemon, every message scored; `spamassassin`: a process per message. */
  kind: 'spamd' | 'spamassassin';
  /** Messages it scores at once. */
  concurrency: number;
  score(raw: string): Promise<SpamScore | undefined>;
  close(): Promise<void>;
}

const SBIN = `${process.env.PATH ?? ''}:/usr/sbin:/usr/local/sbin`;

/**
 * A scorer, or why there is none. spamd (Debian's `spamd`, with `spamassassin`) is started once,
 * private to this run, on a Unix socket in a temporary folder, with `--local` and no user
 * configuration; the rules load once (a second or so) and each message then costs tens of
 * milliseconds. Without spamd, `spamassassin -L -t` runs per message (a second each).
 */
export async function startSpamScorer(children = 2, path = SBIN): Promise<SpamScorer | { reason: string }> {
  const spamd = findProgram(['spamd'], path);
  if (spamd) return startSpamd(spamd, children);
  const spamassassin = findProgram(['spamassassin'], path);
  if (spamassassin) return perMessage(spamassassin, children);
  return { reason: 'SpamAssassin not installed (apt-get install spamassassin spamd)' };
}

async function startSpamd(program: string, children: number): Promise<SpamScorer | { reason: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'relance-spamd-'));
  const socket = join(dir, 'spamd.sock');
  // As root, spamd insists on dropping to a user; nobody is Debian's own default.
  const user = process.getuid?.() === 0 ? ['-u', 'nobody'] : [];
  const args = ['-L', '-x', `--socketpath=${socket}`, `--max-children=${children}`, `--min-children=${children}`, '--syslog=stderr', '--timeout-child=60', ...user];
  const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const ready = await new Promise<boolean>((resolve) => {
    const finish = (started: boolean): void => {
      clearTimeout(timer);
      resolve(started);
    };
    const timer = setTimeout(() => finish(false), 60_000);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      log = (log + chunk).slice(-4000);
      if (/server started on UNIX domain socket/.test(log)) finish(true);
    });
    child.once('error', () => finish(false));
    child.once('exit', () => finish(false));
  });
  const close = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  if (!ready) {
    await close();
    const last = log.trim().split('\n').filter((l) => /error|fail|cannot|died/i.test(l)).at(-1) ?? 'did not start';
    return { reason: `spamd did not start: ${last.replace(/^.*?\]\s*/, '')}` };
  }
  child.stderr!.resume();
  return { kind: 'spamd', concurrency: children, score: (raw) => askSpamd(socket, raw), close };
}

/** spamd's protocol (spamc's REPORT command): headers, a blank line, the report. */
function askSpamd(socket: string, raw: string): Promise<SpamScore | undefined> {
  return new Promise((resolve, reject) => {
    const body = Buffer.from(raw);
    const chunks: Buffer[] = [];
    const conn = createConnection(socket);
    conn.setTimeout(60_000, () => conn.destroy(new Error('spamd did not answer within 60 s')));
    conn.on('data', (c: Buffer) => chunks.push(c));
    conn.on('error', reject);
    conn.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const head = text.slice(0, split < 0 ? text.length : split);
      if (!/^SPAMD\/[\d.]+ 0 /.test(head)) return reject(new Error(`spamd: ${head.split('\r\n')[0] ?? 'no answer'}`));
      const parsed = parseSpamReport(text.slice(split + 4));
      const totals = /^Spam: \w+ ; (-?[\d.]+) \/ (-?[\d.]+)/m.exec(head);
      resolve(parsed ?? (totals ? { score: Number(totals[1]), threshold: Number(totals[2]), rules: [] } : undefined));
    });
    conn.end(Buffer.concat([Buffer.from(`REPORT SPAMC/1.5\r\nContent-length: ${body.length}\r\n\r\n`), body]));
  });
}

function perMessage(program: string, concurrency: number): SpamScorer {
  const score = (raw: string) =>
    new Promise<SpamScore | undefined>((resolve, reject) => {
      const child = execFile(program, ['-L', '-t', '-x'], { maxBuffer: 1 << 24, timeout: 120_000 }, (err, stdout) => (err && !stdout ? reject(err) : resolve(parseSpamReport(stdout))));
      child.stdin!.end(raw);
    });
  return { kind: 'spamassassin', concurrency, score, close: async () => undefined };
}
