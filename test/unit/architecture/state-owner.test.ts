import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readSources } from './import-graph.js';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));
const LUA = fileURLToPath(new URL('../../../src/state/lua/', import.meta.url));

/** Key builders of the enrollment state (src/state/keys.ts): enrollments, counts and the active total, the blocked queue, the schedule. */
const OWNED_KEYS = ['enrollments', 'counts', 'blocked', 'dueBucket', 'dueBuckets', 'dueIndex', 'dueMember'];

/**
 * Every place outside src/enroll/ that names a key of the enrollment state, or runs a Lua script
 * that writes one. Files in `owner` are allowed (the owner, and keys.ts that spells the keys).
 */
export function trespasses(files: ReadonlyMap<string, string>, writingScripts: ReadonlySet<string>, owner: (file: string) => boolean): string[] {
  const key = new RegExp(`\\bkeys\\.(${OWNED_KEYS.join('|')})\\(`);
  const script = /runScript(?:<[^>]*>)?\(\s*[\w.]+\s*,\s*'([\w-]+)'/g;
  const out: string[] = [];
  for (const [file, source] of files) {
    if (owner(file)) continue;
    source.split('\n').forEach((line, i) => {
      const k = key.exec(line);
      if (k) out.push(`${file}:${i + 1}: keys.${k[1]}(`);
      for (const m of line.matchAll(script)) if (writingScripts.has(m[1]!)) out.push(`${file}:${i + 1}: runs ${m[1]}.lua`);
    });
  }
  return out;
}

/** The Lua scripts that write a key of the enrollment state, read from their KEYS headers. */
function scriptsWritingOwnedKeys(): Set<string> {
  const owned = /^-- KEYS\[[^\]]+\]\s+(enrollments:|counts:|blocked:|due:|due-index)/m;
  return new Set(readdirSync(LUA).filter((f) => f.endsWith('.lua') && owned.test(readFileSync(LUA + f, 'utf8'))).map((f) => f.slice(0, -4)));
}

describe('one owner for the enrollment state', () => {
  it('nothing outside src/enroll/ names an enrollment, counts, blocked or due key, or runs a script that writes one', async () => {
    const scripts = scriptsWritingOwnedKeys();
    // The header scan found the scripts it is meant to guard.
    expect([...scripts].sort()).toEqual(expect.arrayContaining(['admit', 'commit-batch', 'complete-task', 'migrate-enrollments', 'repair-enrollments', 'requeue', 'set-enrollment-status', 'sweep-bucket', 'wake']));
    const files = await readSources(SRC);
    expect(files.size).toBeGreaterThan(100);
    expect(trespasses(files, scripts, (f) => f.startsWith('enroll/') || f === 'state/keys.ts')).toEqual([]);
  });

  it('the scan sees a key named outside the owner and a script run outside it', () => {
    const files = new Map([
      ['execute/bad.ts', "await redis.hincrby(keys.counts(name), '_active', -1);\nawait runScript<number>(redis, 'wake', [k], []);"],
      ['execute/fine.ts', "await runScript(redis, 'reserve-sends', [k], []);\nkeys.ledger(name);"],
      ['execute/also-bad.ts', "await runScript<string>(redis, 'wake', [k], []);"],
      ['enroll/owner.ts', 'keys.enrollments(name);'],
    ]);
    expect(trespasses(files, new Set(['wake']), (f) => f.startsWith('enroll/'))).toEqual(['execute/bad.ts:1: keys.counts(', 'execute/bad.ts:2: runs wake.lua', 'execute/also-bad.ts:1: runs wake.lua']);
  });
});
