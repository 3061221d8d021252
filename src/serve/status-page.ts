import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { escapeHtml } from '../delivery/helpers.js';
import { readLiveView, type LiveView, type StepHold } from '../lifecycle/live-view.js';
import { liveViewMermaid } from '../lifecycle/live-view-text.js';
import { readVersion } from '../state/scenario-store.js';
import type { ServeDeps } from './deps.js';
import { sendError } from './errors.js';
import { opens, reportAccess, reportGrant } from './report-access.js';

/** Seconds between two refreshes of the page. */
const REFRESH_S = 10;
const MERMAID = 'https://cdn.jsdelivr.net/npm/mermaid@11/dist/mermaid.esm.min.mjs';
const WHY: Record<StepHold['why'], string> = {
  delay: 'waiting on a delay', condition: 'waiting on a condition', quota: 'deferred by a quota', cap: 'blocked by the cap',
  task: 'on a task', paused: 'paused', due: 'due now', error: 'in error',
};
// The page's one script, allowed by its hash: no other inline script can run.
const SCRIPT = `import mermaid from '${MERMAID}'; mermaid.initialize({ startOnLoad: true, securityLevel: 'strict' });`;
const CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src https://cdn.jsdelivr.net 'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'; img-src data:`;
const COLOUR = { red: '#d1242f', orange: '#d4a72c', green: '#1a7f37' } as const;

/**
 * GET /status/<scenario>: the live view (`relance status SCENARIO`) as a page that refreshes
 * itself every 10 s, with the step graph and its counts drawn by Mermaid; `?format=json` for
 * machines. For the tokens of RELANCE_REPORT_TOKENS that open the scenario.
 */
export async function statusPageRoutes(app: FastifyInstance, deps: ServeDeps): Promise<void> {
  const access = deps.reports ?? reportAccess(process.env);
  app.get<{ Params: { scenario: string }; Querystring: { format?: 'json' | 'html' } }>('/status/:scenario', {
    schema: {
      params: { type: 'object', required: ['scenario'], properties: { scenario: { type: 'string', pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$' } } },
      querystring: { type: 'object', additionalProperties: false, properties: { format: { type: 'string', enum: ['json', 'html'] } } },
    },
  }, async (request, reply) => {
    const grant = reportGrant(access, request, reply);
    if (!(grant instanceof Set)) return grant;
    const { scenario } = request.params;
    if (!opens(grant, scenario)) return sendError(reply, 403, 'FORBIDDEN', `this token does not open ${scenario}`);
    const view = await readLiveView(deps.redis, deps.keys, scenario, deps.clock.now());
    if (!view) return sendError(reply, 404, 'NOT_FOUND', `no scenario "${scenario}" in the running state`);
    reply.header('cache-control', 'no-store');
    if (request.query.format === 'json') return reply.send(view);
    const version = await readVersion(deps.redis, deps.keys, scenario, view.status.version);
    const diagram = version ? liveViewMermaid(view, version.graph) : '';
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', CSP)
      .send(page(view, diagram));
  });
}

function page(view: LiveView, diagram: string): string {
  const s = view.status;
  const pct = (n: number | undefined) => (n === undefined ? '' : `${n.toFixed(1)}%`);
  const rows = view.steps.map((step) => `<tr><td>${escapeHtml(step.step)}</td><td>${escapeHtml(step.type)}</td><td class="n">${step.now}</td><td class="n">${step.through}</td>`
    + `<td class="n">${step.received ?? ''}</td><td class="n">${pct(step.rates?.opened)}</td><td class="n">${pct(step.rates?.clicked)}</td><td class="n">${pct(step.rates?.replied)}</td>`
    + `<td>${step.holds.map((h) => escapeHtml(`${h.count} ${WHY[h.why]}${h.until ? ` until ${h.until.slice(0, 16).replace('T', ' ')} UTC` : ''}`)).join('<br>')}</td></tr>`).join('\n');
  const errors = view.errors.length ? `<h2>In error</h2><ul>${view.errors.map((e) => `<li>${e.count} × ${escapeHtml(e.reason)}</li>`).join('')}</ul>` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${REFRESH_S}">
<title>${escapeHtml(s.name)} · relance</title>
<style>body{font:15px/1.5 system-ui,sans-serif;margin:2rem auto;max-width:64rem;padding:0 1rem}table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}.n{text-align:right}.dot{display:inline-block;width:.8em;height:.8em;border-radius:50%;background:${COLOUR[s.colour]}}pre{overflow:auto}</style></head>
<body><h1><span class="dot" title="${s.colour}"></span> ${escapeHtml(s.name)}</h1>
<p>${escapeHtml(s.display)} · version ${escapeHtml(s.version)} · revision ${escapeHtml(s.revision.slice(0, 12) || '-')} · ${s.inProgress} in progress · at ${escapeHtml(view.at)} (refreshes every ${REFRESH_S} s)</p>
<table><thead><tr><th>Step</th><th>Type</th><th class="n">Now</th><th class="n">Through</th><th class="n">Received</th><th class="n">Opened</th><th class="n">Clicked</th><th class="n">Replied</th><th>Why they are there</th></tr></thead>
<tbody>
${rows}
</tbody></table>
${errors}
<h2>Step graph</h2>
<pre class="mermaid">${escapeHtml(diagram)}</pre>
<script type="module">${SCRIPT}</script>
</body></html>
`;
}
