import { createHash, timingSafeEqual } from 'node:crypto';
import { resolve } from 'node:path';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { presented } from './bearer.js';
import { sendError } from './errors.js';

/**
 * Who may download which reports: `RELANCE_REPORT_TOKENS`, entries separated by spaces or `;`,
 * each `TOKEN:scenario,scenario` or `TOKEN:*` (every scenario). A stakeholder's token opens the
 * reports of the scenarios it names and no other. Reports are read from `RELANCE_REPORTS_DIR`
 * (default `reports/` under the working directory).
 */
export interface ReportAccess {
  dir: string;
  /** The scenarios a presented token opens (`*` for all), or undefined for no valid token. */
  scenariosOf(token: string): ReadonlySet<string> | undefined;
  configured: boolean;
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

export function reportAccess(env: NodeJS.ProcessEnv, cwd = process.cwd()): ReportAccess {
  const grants: Array<{ token: Buffer; scenarios: Set<string> }> = [];
  for (const entry of (env.RELANCE_REPORT_TOKENS ?? '').split(/[\s;]+/).filter(Boolean)) {
    const colon = entry.indexOf(':');
    if (colon <= 0) continue; // a token with no scenario opens nothing
    const scenarios = new Set(entry.slice(colon + 1).split(',').map((s) => s.trim()).filter(Boolean));
    if (scenarios.size > 0) grants.push({ token: digest(entry.slice(0, colon)), scenarios });
  }
  return {
    dir: resolve(cwd, env.RELANCE_REPORTS_DIR || 'reports'),
    configured: grants.length > 0,
    scenariosOf(token) {
      // Every grant is compared, in constant time: the answer time says nothing of near misses.
      const given = digest(token);
      let found: Set<string> | undefined;
      for (const g of grants) if (timingSafeEqual(given, g.token)) found = new Set([...(found ?? []), ...g.scenarios]);
      return found;
    },
  };
}

/** Whether `scenarios` (a token's grant) opens `scenario`. */
export function opens(scenarios: ReadonlySet<string>, scenario: string): boolean {
  return scenarios.has('*') || scenarios.has(scenario);
}

/**
 * The scenarios the request's token opens (bearer, or basic auth with the token as password), or
 * the reply, answered 401, when it presents none that is valid.
 */
export function reportGrant(access: ReportAccess, request: FastifyRequest, reply: FastifyReply): ReadonlySet<string> | FastifyReply {
  const token = presented(request.headers.authorization ?? '', true);
  const grant = token === undefined ? undefined : access.scenariosOf(token);
  if (grant) return grant;
  reply.header('www-authenticate', 'Basic realm="relance reports", charset="UTF-8"');
  return sendError(reply, 401, 'UNAUTHORIZED', access.configured ? 'a report token is required' : 'reports are closed: no token is configured (RELANCE_REPORT_TOKENS)');
}
