import { readiness, roleOf } from '../../state/readiness.js';
import { describeRedis } from '../../state/redis-config.js';
import { openRedis } from '../../state/resolve-redis.js';
import { loadAllScripts } from '../../state/scripts.js';

interface Health {
  ready: boolean;
  redis: { target?: string; ok: boolean; pingMs?: number; role?: string; error?: string };
  scripts?: { ok: boolean; loaded?: number; error?: string };
}

/**
 * `relance health`: can this machine run relance right now? Connects to the configured Redis
 * (never starts one), PINGs it, checks it is a writable master, and loads every Lua script.
 * Prints ready or not ready, and exits 0 or 1 (for a probe, until the HTTP server's /readyz).
 */
export async function health(options: { json?: boolean }): Promise<void> {
  const result = await check();
  if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(format(result));
  process.exitCode = result.ready ? 0 : 1;
}

async function check(): Promise<Health> {
  let opened;
  try {
    opened = await openRedis({ embedded: false });
  } catch (err) {
    return { ready: false, redis: { ok: false, error: (err as Error).message } }; // the message names the Redis
  }
  try {
    const target = opened.source === 'env' ? describeRedis(opened.url) : opened.url;
    const redis = opened.redis;
    const state = await readiness(redis);
    const role = state.ready ? await roleOf(redis) : undefined;
    const redisOk = state.ready && role !== 'slave';
    const out: Health = {
      ready: false,
      redis: { target, ok: redisOk, pingMs: state.pingMs, role, error: state.error ?? (role === 'slave' ? 'connected to a read-only replica, not the master' : undefined) },
    };
    if (redisOk) {
      try {
        out.scripts = { ok: true, loaded: await loadAllScripts(redis) };
      } catch (err) {
        out.scripts = { ok: false, error: (err as Error).message };
      }
    }
    out.ready = redisOk && out.scripts?.ok === true;
    return out;
  } finally {
    await opened.close();
  }
}


function format(h: Health): string {
  const lines = [h.ready ? 'ready' : 'not ready'];
  const r = h.redis;
  lines.push(`  redis    ${r.target ? `${r.target}: ` : ''}${r.ok ? `PING ${r.pingMs} ms${r.role ? `, ${r.role}` : ''}` : r.error}`);
  if (h.scripts) lines.push(`  scripts  ${h.scripts.ok ? `${h.scripts.loaded} Lua scripts load` : h.scripts.error}`);
  return `${lines.join('\n')}\n`;
}
