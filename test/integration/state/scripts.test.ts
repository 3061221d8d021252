import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { defineScripts, runScript } from '../../../src/state/scripts.js';
import { REDIS_URL, testRedis } from '../../helpers/redis.js';

const opened: Redis[] = [];
afterEach(() => { for (const r of opened.splice(0)) r.disconnect(); });

describe('scripts on an auto-pipelined connection', () => {
  it('run in the same tick as other commands once defined when the connection is made', async () => {
    const { keys } = testRedis();
    const redis = new Redis(REDIS_URL, { enableAutoPipelining: true });
    opened.push(redis);
    defineScripts(redis);
    await redis.xadd(keys.events('s'), '*', 'e', 'opened');
    // A plain command opens an auto-pipeline; the script joins it (before: a TypeError in the
    // pipeline's answer, uncaught, that ended the process: ioredis#1931).
    const [missing, page] = await Promise.all([
      redis.get(keys.stateRev()),
      runScript<[string, number, string]>(redis, 'read-event-page', [keys.events('s')], ['-', '+', 10]),
    ]);
    expect(missing).toBeNull();
    expect(page[1]).toBe(1); // the page's one entry
  });

  it('refuses a script on one whose scripts were not defined, instead of crashing later', async () => {
    const redis = new Redis(REDIS_URL, { enableAutoPipelining: true });
    opened.push(redis);
    await expect(runScript(redis, 'read-event-page', ['{t}:x'], ['-', '+', 1])).rejects.toThrow(/before defineScripts/);
  });

  it('defines them all on the first script of a plain connection', async () => {
    const { redis, keys } = testRedis();
    await runScript(redis, 'read-event-page', [keys.events('s')], ['-', '+', 1]);
    expect(typeof (redis as unknown as Record<string, unknown>).relance_engage).toBe('function');
  });
});
