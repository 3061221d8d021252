// A throwaway Redis Cluster of N masters on 127.0.0.1 (no replicas, no persistence), for the
// cluster test and the capacity bench: N `redis-server --cluster-enabled yes` on free ports, then
// `redis-cli --cluster create`, then a wait until every node says `cluster_state:ok`. `stop()`
// ends the nodes and removes their directory; a failed start stops what it started.
// Plain .mjs so the bench (plain Node) and the tests (vitest, via redis-cluster.d.mts) share it.
import { execFile, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);
const live = new Set();
process.once('exit', () => { for (const child of live) child.kill('SIGKILL'); });

function onPath(binary) {
  return (process.env.PATH ?? '').split(delimiter).filter(Boolean).some((dir) => {
    try { accessSync(join(dir, binary), constants.X_OK); return true; } catch { return false; }
  });
}

/** Why a cluster cannot be started here (a binary missing), or undefined when it can. */
export function clusterUnavailable() {
  const missing = ['redis-server', 'redis-cli'].filter((b) => !onPath(b));
  return missing.length ? `${missing.join(' and ')} not found on PATH (Debian/Ubuntu: apt-get install redis-server, which brings redis-tools)` : undefined;
}

function canListen(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A port P free on 127.0.0.1 whose cluster-bus port P + 10000 is free too, not in `taken`. Both
 * below Linux's ephemeral range (32768+), where outgoing sockets and other tests' listen(0)
 * servers could take them between this check and the node's bind.
 */
async function freeClusterPort(taken) {
  for (let i = 0; i < 200; i++) {
    const port = 10_000 + Math.floor(Math.random() * 12_700);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if (await canListen(port) && await canListen(port + 10_000)) return port;
  }
  throw new Error('no free port pair (P, P + 10000) found for a cluster node');
}

async function cli(port, ...args) {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 10_000 });
  return stdout;
}

/** Polls `check` until it is true; fails after `ms`, or at once when `gone()` says a node exited. */
async function until(what, check, ms, gone) {
  const deadline = Date.now() + ms;
  for (;;) {
    if (gone()) throw new Error(gone());
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`redis cluster: timed out after ${ms} ms waiting for ${what}`);
    await sleep(50);
  }
}

function logTail(dir, port) {
  try { return readFileSync(join(dir, `redis-${port}.log`), 'utf8').trim().split('\n').slice(-5).join('\n'); } catch { return '(no log)'; }
}

/**
 * Starts a cluster of `masters` nodes. Returns { nodes: [{ host, port, pid }], spec (the
 * REDIS_CLUSTER_NODES value), dir, failure() (why a node is gone, or undefined), stop() }.
 */
export async function startRedisCluster({ masters = 3, timeoutMs = 20_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'relance-cluster-'));
  const children = [];
  let stopped;
  // A node that exits before stop() is a failure to report, with the end of its log.
  let lost;
  const failure = () => lost;
  const stop = () => (stopped ??= (async () => {
    await Promise.all(children.map((child) => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.once('exit', () => { clearTimeout(timer); live.delete(child); resolve(); });
      child.kill('SIGTERM');
    })));
    rmSync(dir, { recursive: true, force: true });
  })());
  try {
    const taken = new Set();
    const ports = [];
    for (let i = 0; i < masters; i++) {
      const port = await freeClusterPort(taken);
      taken.add(port).add(port + 10_000);
      ports.push(port);
    }
    for (const port of ports) {
      const child = spawn('redis-server', [
        '--port', String(port), '--bind', '127.0.0.1', '--cluster-enabled', 'yes',
        '--cluster-config-file', `nodes-${port}.conf`, '--cluster-node-timeout', '5000',
        '--dir', dir, '--save', '', '--appendonly', 'no', '--logfile', `redis-${port}.log`,
      ], { stdio: 'ignore' });
      children.push(child);
      live.add(child);
      child.once('exit', (code, signal) => {
        live.delete(child);
        if (!stopped) lost ??= `cluster node on port ${port} exited (${signal ?? code}): ${logTail(dir, port)}`;
      });
    }
    for (const port of ports) await until(`redis-server on ${port}`, async () => (await cli(port, 'PING')).trim() === 'PONG', timeoutMs, failure);
    await run('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], { timeout: timeoutMs });
    for (const port of ports) await until(`cluster_state:ok on ${port}`, async () => /cluster_state:ok/.test(await cli(port, 'CLUSTER', 'INFO')), timeoutMs, failure);
    const nodes = ports.map((port, i) => ({ host: '127.0.0.1', port, pid: children[i].pid }));
    if (lost) throw new Error(lost);
    return { nodes, spec: nodes.map((n) => `${n.host}:${n.port}`).join(','), dir, failure, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
