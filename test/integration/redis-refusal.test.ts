import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A Redis that refuses a command (an ACL user without the right): one line in Redis's words and
// an exit code that says so, never a stack trace.
const CLI = join(process.cwd(), 'bin/relance.js');
const URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const user = `relance-test-noperm-${process.pid}`;
let admin: Redis;

beforeAll(async () => {
  admin = new Redis(URL);
  // Enough to connect and load scripts, not to read the scenarios.
  await admin.call('ACL', 'SETUSER', user, 'reset', 'on', '>pw-noperm', '~*', '+ping', '+info', '+client', '+hello', '+script', '+evalsha', '+get');
});
afterAll(async () => {
  await admin.call('ACL', 'DELUSER', user);
  admin.disconnect();
});

function relance(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const url = new globalThis.URL(URL);
  url.username = user;
  url.password = 'pw-noperm';
  const env = { ...process.env, REDIS_URL: url.href, RELANCE_PREFIX: `test-noperm-${process.pid}` };
  return new Promise((done) => {
    execFile(process.execPath, [CLI, ...args], { env, encoding: 'utf8' }, (err, stdout, stderr) => done({ code: err ? Number(err.code) : 0, stdout, stderr }));
  });
}

describe('a command Redis refuses', () => {
  it('NOPERM: exit 77 and Redis’s own words on one line', async () => {
    const run = await relance('report', '--out', join(process.cwd(), 'node_modules/.cache/noperm-reports'));
    expect(run.stderr).toMatch(/^relance: Redis refused a command: NOPERM .*'smembers'.*\n$/);
    expect(run.code).toBe(77);
  });
});
