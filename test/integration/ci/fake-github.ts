import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

export interface Comment {
  id: number;
  body: string;
  html_url: string;
  user: { login: string; type: string };
}

export interface Recorded {
  method: string;
  /** Path and query, as sent. */
  url: string;
  authorization?: string;
  body?: { body?: string };
}

export interface Canned {
  method: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface FakeGitHub {
  url: string;
  comments: Comment[];
  requests: Recorded[];
  /** Answers the next requests of this method with these, in order, before behaving normally. */
  answerNext(...canned: Canned[]): void;
  /** Adds `n` comments by other people (bots, reviewers). */
  seed(n: number): void;
  /** Adds one comment, as if posted earlier. */
  add(body: string): Comment;
}

const servers: Array<() => Promise<void>> = [];
afterEach(async () => { await Promise.all(servers.splice(0).map((close) => close())); });

/**
 * Answers like the GitHub REST API for the issue comments of pull request 7 (any other is not found): list (paged by `per_page` and `page`,
 * with a `Link` header), create and edit. Records every request.
 */
export async function fakeGitHub(): Promise<FakeGitHub> {
  const comments: Comment[] = [];
  const requests: Recorded[] = [];
  const canned: Canned[] = [];
  let nextId = 1000;
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => { raw += chunk; });
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) as Recorded['body'] : undefined;
      requests.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body });
      const i = canned.findIndex((c) => c.method === req.method);
      if (i >= 0) {
        const c = canned.splice(i, 1)[0]!;
        return send(res, c.status, c.body ?? {}, c.headers);
      }
      route(req, res, body);
    });
  });
  const make = (body: string, login: string): Comment => {
    const id = nextId++;
    return { id, body, html_url: `https://github.test/o/r/pull/7#issuecomment-${id}`, user: { login, type: 'Bot' } };
  };

  function route(req: IncomingMessage, res: ServerResponse, body: Recorded['body']): void {
    const url = new URL(req.url!, `http://${req.headers.host}`);
    const list = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/);
    const one = url.pathname.match(/^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/);
    if (list && list[3] !== '7') return send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    if (list && req.method === 'GET') {
      const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30));
      const page = Number(url.searchParams.get('page') ?? 1);
      const last = Math.max(1, Math.ceil(comments.length / perPage));
      const link = (p: number) => { const u = new URL(url); u.searchParams.set('page', String(p)); return u.toString(); };
      const links = [page < last ? `<${link(page + 1)}>; rel="next"` : '', page < last ? `<${link(last)}>; rel="last"` : '', page > 1 ? `<${link(1)}>; rel="first"` : ''].filter(Boolean);
      return send(res, 200, comments.slice((page - 1) * perPage, page * perPage), links.length ? { link: links.join(', ') } : {});
    }
    if (list && req.method === 'POST') {
      const comment = make(body?.body ?? '', 'github-actions[bot]');
      comments.push(comment);
      return send(res, 201, comment);
    }
    const found = one && comments.find((c) => c.id === Number(one[3]));
    if (found && req.method === 'PATCH') {
      found.body = body?.body ?? '';
      return send(res, 200, found);
    }
    send(res, 404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    comments,
    requests,
    answerNext: (...c) => canned.push(...c),
    seed: (n) => { for (let i = 0; i < n; i++) comments.push(make(`Comment ${i} from a reviewer`, `reviewer-${i % 3}`)); },
    add: (body) => { const c = make(body, 'github-actions[bot]'); comments.push(c); return c; },
  };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}
