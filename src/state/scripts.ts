import { readdirSync, readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

// The .lua files ship in src/state/lua; from dist/state or src/state the path is the same.
const LUA_DIR = new URL('../../src/state/lua/', import.meta.url);
const sources = new Map<string, string>();
const defined = new WeakSet<Redis>();

type ScriptFn = (numKeys: number, ...args: Array<string | number>) => Promise<unknown>;

/**
 * Runs a Lua script from src/state/lua by name. ioredis sends EVALSHA and falls back to EVAL
 * once per connection, so the script text crosses the wire only the first time.
 */
export async function runScript<T = unknown>(redis: Redis, name: string, keys: string[], args: Array<string | number>): Promise<T> {
  const fn = scriptOn(redis, name);
  return (await fn.call(redis, keys.length, ...keys, ...args)) as T;
}

function scriptOn(redis: Redis, name: string): ScriptFn {
  if (!defined.has(redis)) {
    if (redis.options.enableAutoPipelining) throw new Error(`script ${name} run on an auto-pipelined connection before defineScripts`);
    defineScripts(redis);
  }
  const fn = (redis as unknown as Record<string, ScriptFn | undefined>)[commandName(name)];
  if (!fn) throw new Error(`no script ${name} in ${LUA_DIR.pathname}`);
  return fn;
}

/**
 * Defines every script as a command of the connection (EVALSHA, EVAL once on NOSCRIPT). Done on
 * a connection's first script, or, for one with `enableAutoPipelining`, as soon as it is made:
 * ioredis copies a connection's commands into each pipeline when it creates it, so a script
 * defined while an auto-pipeline is open is missing from that pipeline, and the process crashes
 * when the pipeline answers (ioredis#1931).
 */
export function defineScripts(redis: Redis): void {
  if (defined.has(redis)) return;
  for (const name of scriptNames()) {
    let lua = sources.get(name);
    if (!lua) sources.set(name, (lua = readLua(name)));
    redis.defineCommand(commandName(name), { lua });
  }
  defined.add(redis);
}

function scriptNames(): string[] {
  return readdirSync(LUA_DIR).filter((f) => f.endsWith('.lua')).map((f) => f.slice(0, -'.lua'.length));
}

/**
 * Loads every script into Redis's script cache (SCRIPT LOAD): each one compiles, and this Redis
 * lets relance run scripts (some managed services or ACLs do not). Returns how many loaded.
 */
export async function loadAllScripts(redis: Redis): Promise<number> {
  const names = scriptNames();
  for (const name of names) await redis.script('LOAD', readLua(name));
  return names.length;
}

/** A script's text, with each `-- #include lib/x.lua` line replaced by that file (shared functions). */
function readLua(name: string): string {
  const text = readFileSync(new URL(`${name}.lua`, LUA_DIR), 'utf8');
  return text.replace(/^-- #include (\S+)$/gm, (_, file: string) => readFileSync(new URL(file, LUA_DIR), 'utf8'));
}

function commandName(name: string): string {
  return `relance_${name.replace(/-/g, '_')}`;
}
