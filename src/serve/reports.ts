import { createReadStream } from 'node:fs';
import { lstat, readdir, realpath } from 'node:fs/promises';
import { basename, join, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServeDeps } from './deps.js';
import { escapeHtml } from '../delivery/helpers.js';
import { UnknownScenarioError } from '../lifecycle/lifecycle.js';
import { buildReports } from '../report/build-report.js';
import { csvFormat } from '../report/csv.js';
import { sendError } from './errors.js';
import { opens, reportAccess, reportGrant } from './report-access.js';

/** A report's file name, `<scenario>-<YYYY-MM-DD>.zip`: nothing else is ever served. */
const REPORT_FILE = /^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)-(\d{4}-\d{2}-\d{2})\.zip$/;

interface Listed {
  file: string;
  scenario: string;
  date: string;
  bytes: number;
  modified: string;
}

/**
 * GET /reports (JSON, or a small HTML page for a browser) and GET /reports/<file>: the reports a
 * stakeholder's token opens (RELANCE_REPORT_TOKENS: bearer, or basic auth with the token as
 * password). Only `<scenario>-<date>.zip` names directly in the reports folder are served, never
 * a symlink, never a path: `../`, encoded or double-encoded, a backslash or an absolute path is
 * refused before the file system is asked anything. POST /reports/<scenario> builds today's.
 */
export async function reportRoutes(app: FastifyInstance, deps: ServeDeps): Promise<void> {
  const access = deps.reports ?? reportAccess(process.env);
  const grantOf = (request: FastifyRequest, reply: FastifyReply) => reportGrant(access, request, reply);

  app.get('/reports', {
    schema: { querystring: { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: ['json', 'html'] } } } },
  }, async (request, reply) => {
    const grant = grantOf(request, reply);
    if (!(grant instanceof Set)) return grant;
    const files = (await listReports(access.dir)).filter((r) => opens(grant, r.scenario));
    const html = (request.query as { format?: string }).format === 'html' || (!(request.query as { format?: string }).format && /text\/html/.test(request.headers.accept ?? ''));
    if (!html) return reply.send({ reports: files });
    return reply.type('text/html; charset=utf-8').header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'").send(page(files));
  });

  app.get<{ Params: { file: string } }>('/reports/:file', {
    schema: { params: { type: 'object', required: ['file'], properties: { file: { type: 'string', maxLength: 200 } } } },
  }, async (request, reply) => {
    const grant = grantOf(request, reply);
    if (!(grant instanceof Set)) return grant;
    const match = REPORT_FILE.exec(request.params.file);
    if (!match) return sendError(reply, 400, 'BAD_REPORT_NAME', 'a report is named <scenario>-<YYYY-MM-DD>.zip');
    if (!opens(grant, match[1]!)) return sendError(reply, 403, 'FORBIDDEN', `this token does not open the reports of ${match[1]}`);
    const path = join(access.dir, match[0]);
    try {
      // A regular file, really inside the folder: a symlink (even to a file in it) is not served.
      const stat = await lstat(path);
      const inside = (await realpath(path)).startsWith((await realpath(access.dir)) + sep);
      if (!stat.isFile() || !inside) return sendError(reply, 404, 'NOT_FOUND', 'no such report');
      return reply
        .type('application/zip')
        .header('content-length', String(stat.size))
        .header('content-disposition', `attachment; filename="${match[0]}"`)
        .header('cache-control', 'private, no-store')
        .header('x-content-type-options', 'nosniff')
        .send(createReadStream(path));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return sendError(reply, 404, 'NOT_FOUND', 'no such report');
      throw err;
    }
  });

  // A fresh report on demand: today's zip of the scenario, written where the list finds it.
  app.post<{ Params: { scenario: string }; Querystring: { delimiter?: string } }>('/reports/:scenario', {
    schema: {
      params: { type: 'object', required: ['scenario'], properties: { scenario: { type: 'string', pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$' } } },
      querystring: { type: 'object', additionalProperties: false, properties: { delimiter: { type: 'string', enum: [',', ';'] } } },
      response: { 201: { type: 'object', required: ['file', 'bytes'], properties: { file: { type: 'string' }, bytes: { type: 'integer' }, rows: { type: 'object', additionalProperties: { type: 'integer' } } } } },
    },
  }, async (request, reply) => {
    const grant = grantOf(request, reply);
    if (!(grant instanceof Set)) return grant;
    const { scenario } = request.params;
    if (!opens(grant, scenario)) return sendError(reply, 403, 'FORBIDDEN', `this token does not open the reports of ${scenario}`);
    try {
      const [summary] = await buildReports(deps.redis, deps.keys, [scenario], { dir: access.dir, format: csvFormat(request.query.delimiter ?? ','), now: deps.clock.now() });
      const path = summary!.path!;
      const file = basename(path);
      return reply.code(201).header('location', `reports/${encodeURIComponent(file)}`).send({
        file, bytes: (await lstat(path)).size, rows: Object.fromEntries(summary!.files.map((f) => [f.name, f.rows])),
      });
    } catch (err) {
      if (err instanceof UnknownScenarioError) return sendError(reply, 404, 'NOT_FOUND', `no scenario "${scenario}" in the running state`);
      throw err;
    }
  });
}

/** The reports in the folder, newest first; none when the folder does not exist yet. */
async function listReports(dir: string): Promise<Listed[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: Listed[] = [];
  for (const file of names) {
    const match = REPORT_FILE.exec(file);
    if (!match) continue;
    const stat = await lstat(join(dir, file));
    if (!stat.isFile()) continue;
    out.push({ file, scenario: match[1]!, date: match[2]!, bytes: stat.size, modified: stat.mtime.toISOString() });
  }
  return out.sort((a, b) => b.date.localeCompare(a.date) || a.scenario.localeCompare(b.scenario));
}

function page(files: Listed[]): string {
  const rows = files.map((r) => `<tr><td>${escapeHtml(r.scenario)}</td><td>${escapeHtml(r.date)}</td><td>${(r.bytes / 1024).toFixed(0)} KB</td><td><a href="reports/${encodeURIComponent(r.file)}" download>${escapeHtml(r.file)}</a></td></tr>`).join('\n');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>relance reports</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:48rem;padding:0 1rem}table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #ddd}</style></head>
<body><h1>Reports</h1>
${files.length ? `<table><thead><tr><th>Scenario</th><th>Date</th><th>Size</th><th>File</th></tr></thead><tbody>\n${rows}\n</tbody></table>` : '<p>No report yet. <code>relance report</code> writes them.</p>'}
</body></html>
`;
}
