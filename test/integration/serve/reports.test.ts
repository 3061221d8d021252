import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

beforeAll(async () => {
  mkdirSync(dir);
  writeFileSync(join(dir, 'spring-promo-2026-11-30.zip'), Buffer.from('PK\u0003\u0004 spring report'));
  writeFileSync(join(dir, 'standard-2026-11-29.zip'), Buffer.from('PK\u0003\u0004 standard report'));
  writeFileSync(join(dir, 'notes.txt'), 'not a report');
  writeFileSync(SECRET_FILE, 'top secret');
  symlinkSync(SECRET_FILE, join(dir, 'leak-2026-11-30.zip'));
  const { keys } = testRedis();
  server = await startServe(keys, { RELANCE_REPORTS_DIR: dir, RELANCE_REPORT_TOKENS: 'ann-token:spring-promo boss-token:*' });
}, 60_000);
afterAll(async () => {
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

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
});
