import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addContacts, install, scenarioFiles } from '../../helpers/engine.js';
import { deletePrefix } from '../../../src/state/delete-prefix.js';
import { testRedis } from '../../helpers/redis.js';
import { startServe, type ServerProcess } from '../../helpers/serve.js';

/**
 * Report downloads over real HTTP: a token opens the reports of the scenarios it names, nothing
 * else; no path, encoded or not, reaches a file outside the reports folder.
 */

const root = mkdtempSync(join(tmpdir(), 'relance-reports-'));
const dir = join(root, 'reports');
const SECRET_FILE = join(root, 'secret.txt');
let server: ServerProcess;
let redis: ReturnType<typeof testRedis>['redis'];
let keys: ReturnType<typeof testRedis>['keys'];

beforeAll(async () => {
  mkdirSync(dir);
  writeFileSync(join(dir, 'spring-promo-2026-11-30.zip'), Buffer.from('PK\u0003\u0004 spring report'));
  writeFileSync(join(dir, 'standard-2026-11-29.zip'), Buffer.from('PK\u0003\u0004 standard report'));
  writeFileSync(join(dir, 'notes.txt'), 'not a report');
  writeFileSync(SECRET_FILE, 'top secret');
  symlinkSync(SECRET_FILE, join(dir, 'leak-2026-11-30.zip'));
  ({ redis, keys } = testRedis()); // its prefix is emptied after each test
  server = await startServe(keys, { RELANCE_REPORTS_DIR: dir, RELANCE_REPORT_TOKENS: 'ann-token:spring-promo boss-token:*' });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  await deletePrefix(redis, keys); // shared by the tests of this file: emptied after the first only
  rmSync(root, { recursive: true, force: true });
});

/** A body read as latin1 (bytes as they came), decoded as UTF-8. */
const utf8 = (latin1: string): string => Buffer.from(latin1, 'latin1').toString('utf8');

/** A POST (no body) with a bearer token. */
function post(path: string, token: string): Promise<{ status: number; body: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'POST', headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A GET with the path sent exactly as written (fetch would resolve `../` before sending). */
function get(path: string, token?: string, accept?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET', headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(accept ? { accept } : {}) } }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('relance serve: report downloads', () => {
  it('lists and serves the reports a token opens, with the file name', async () => {
    const list = JSON.parse((await get('/reports', 'ann-token')).body) as { reports: Array<{ file: string }> };
    expect(list.reports.map((r) => r.file)).toEqual(['spring-promo-2026-11-30.zip']);
    const all = JSON.parse((await get('/reports', 'boss-token')).body) as { reports: Array<{ file: string }> };
    expect(all.reports.map((r) => r.file)).toEqual(['spring-promo-2026-11-30.zip', 'standard-2026-11-29.zip']);
    const html = await get('/reports', 'boss-token', 'text/html');
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('href="reports/standard-2026-11-29.zip"');

    const file = await get('/reports/spring-promo-2026-11-30.zip', 'ann-token');
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('application/zip');
    expect(file.headers['content-disposition']).toBe('attachment; filename="spring-promo-2026-11-30.zip"');
    expect(file.body).toContain('spring report');
    // Basic auth with the token as password works too (a browser's prompt).
    const basic = await new Promise<number>((resolve) => {
      const url = new URL(server.url);
      request({ host: url.hostname, port: url.port, path: '/reports/spring-promo-2026-11-30.zip', headers: { authorization: `Basic ${Buffer.from('ann:ann-token').toString('base64')}` } }, (res) => { res.resume(); resolve(res.statusCode!); }).end();
    });
    expect(basic).toBe(200);
  });

  it('no token → 401, a token for another scenario → 403', async () => {
    expect((await get('/reports')).status).toBe(401);
    expect((await get('/reports/spring-promo-2026-11-30.zip')).status).toBe(401);
    expect((await get('/reports/spring-promo-2026-11-30.zip', 'wrong-token')).status).toBe(401);
    expect((await get('/reports/standard-2026-11-29.zip', 'ann-token')).status).toBe(403);
  });

  it('never serves a file outside the reports folder: traversal, encoded, double-encoded, backslash, absolute, symlink', async () => {
    const attempts = [
      '/reports/../secret.txt',
      '/reports/..%2fsecret.txt',
      '/reports/%2e%2e%2fsecret.txt',
      '/reports/..%252fsecret.txt',
      '/reports/%2e%2e%5csecret.txt',
      '/reports/..\\secret.txt',
      `/reports/${encodeURIComponent(SECRET_FILE)}`,
      `/reports/${SECRET_FILE}`,
      '/reports/notes.txt',
      '/reports/leak-2026-11-30.zip',
      '/reports/spring-promo-2026-11-30.zip%00.txt',
    ];
    for (const path of attempts) {
      const res = await get(path, 'boss-token');
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.status, path).toBeLessThan(500);
      expect(res.body, path).not.toContain('top secret');
    }
  });

  it('builds a fresh report on demand for a scenario the token opens', async () => {
    // A scenario in the running state of the server's prefix.
    const files = scenarioFiles();
    files.scenario('spring-promo', `  steps:
    - { id: hello, type: email, template: m/x, subject: Hello }
`);
    await addContacts(redis, keys, 'people', [{ email: 'ann@example.org' }]);
    await install(redis, keys, files.dir, new Date());
    expect((await post('/reports/standard', 'ann-token')).status).toBe(403);
    expect((await post('/reports/no-such-scenario', 'boss-token')).status).toBe(404);
    expect((await post('/reports/..%2f..%2fetc', 'boss-token')).status).toBe(400);
    const built = await post('/reports/spring-promo?delimiter=%3B', 'ann-token');
    expect(built.status, built.body).toBe(201);
    const { file, rows } = JSON.parse(built.body) as { file: string; rows: Record<string, number> };
    expect(file).toMatch(/^spring-promo-\d{4}-\d{2}-\d{2}\.zip$/);
    expect(Object.keys(rows)).toEqual(expect.arrayContaining(['Resume.csv', 'Global.csv']));
    const zip = await get(`/reports/${file}`, 'ann-token');
    expect(zip.status).toBe(200);
    expect(zip.body.startsWith('PK\u0003\u0004')).toBe(true);
  });

  it('shows a scenario’s live view as a page that refreshes itself, with its step graph; JSON for machines', async () => {
    const files = scenarioFiles();
    files.scenario('spring-promo', `  steps:
    - { id: hello, type: email, template: m/x, subject: Hello }
`);
    await addContacts(redis, keys, 'people', [{ email: 'ann@example.org' }, { email: 'bob@example.org' }]);
    await install(redis, keys, files.dir, new Date());
    expect((await get('/status/spring-promo')).status).toBe(401);
    expect((await get('/status/standard', 'ann-token')).status).toBe(403);
    expect((await get('/status/nothing-here', 'boss-token')).status).toBe(404);
    const json = JSON.parse(utf8((await get('/status/spring-promo?format=json', 'ann-token')).body)) as { status: { name: string }; steps: Array<{ step: string; now: number }> };
    expect(json.status.name).toBe('spring-promo');
    expect(json.steps.map((x) => x.step)).toEqual(['hello']);
    expect(json.steps[0]!.now).toBeGreaterThan(0);
    const html = await get('/status/spring-promo', 'ann-token');
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('<meta http-equiv="refresh" content="10">');
    expect(utf8(html.body)).toMatch(new RegExp(`<pre class="mermaid">flowchart TD[\\s\\S]*${json.steps[0]!.now} now · 0 through`));
    // The one inline script runs by its hash; nothing else may.
    expect(String(html.headers['content-security-policy'])).toMatch(/script-src https:\/\/cdn\.jsdelivr\.net 'sha256-[A-Za-z0-9+/=]+'/);
  });
});
