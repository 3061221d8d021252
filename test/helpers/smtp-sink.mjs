#!/usr/bin/env node
/**
 * A real SMTP server for tests and benchmarks, run as its own process so that it never shares
 * an event loop (or a CPU) with the code under test.
 *
 *   node test/helpers/smtp-sink.mjs [--port 0] [--host 127.0.0.1] [--out DIR | --count-only]
 *        [--fail-rcpt 'bounce@'=550] [--fail-rcpt 'busy@'=451*2] [--fail-mail PATTERN=CODE]
 *        [--fail-data PATTERN=CODE] [--fail-auth CODE] [--rules rules.json]
 *        [--latency MS] [--http-port 0] [--watch-parent]
 *        [--random STAGE=CODE:RATE]… [--drop STAGE=RATE]… [--seed N] [--detail]
 *
 * Once listening it prints one JSON line on stdout: {"port":…,"httpPort":…,"pid":…}.
 *
 * - Accepts any AUTH (or none), no TLS (STARTTLS is not offered).
 * - Counts messages, recipients and bytes; keeps per-recipient counts.
 * - `--out DIR` stores each raw message as DIR/<n>.eml; `--count-only` streams bodies to nowhere
 *   and keeps no per-message record (benchmarks); by default message envelopes are listed, bodies dropped.
 * - Scripted failures: `--fail-rcpt PATTERN=CODE` rejects RCPT TO for addresses containing
 *   PATTERN (or matching /regex/) with CODE; `*N` fails only the first N times. A rules file is a
 *   JSON array of {stage: "mail"|"rcpt"|"data"|"auth", match?, code, message?, times?}.
 * - Control channel on a second port (HTTP, loopback): GET /stats, GET /messages[?to=addr][&raw=1],
 *   POST /rules (JSON array, replaces the rules), POST /reset.
 * - `--watch-parent` exits when stdin closes (the spawning test process died).
 * - Chaos (off unless asked; the soak uses it): `--random rcpt=451:0.02` answers CODE at STAGE
 *   (mail, rcpt, data: data answers after the whole body was read) with probability RATE, after
 *   the scripted rules; a 421 closes the connection, as a real server does. `--drop data=0.01`
 *   closes the connection without a word at STAGE (connect, mail, rcpt, data) with probability
 *   RATE: at `data`, after the whole body was read, before the reply (never counted as received).
 *   `--seed N` makes the draws repeatable. GET /chaos shows the settings and what was injected;
 *   POST /chaos {"random":[{stage,code,rate}],"drop":[{stage,rate}]} replaces the settings.
 * - `--detail`: each listed message also has `messageId` and `subject` (raw header values), and
 *   `session` and `connectedAt` (the SMTP connection it came on, and when that connection opened).
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

const DEFAULT_MESSAGES = {
  421: '4.3.2 Service not available, closing channel',
  450: '4.2.1 Mailbox busy, try again later',
  451: '4.3.0 Temporary failure, try again later',
  452: '4.2.2 Insufficient storage',
  535: '5.7.8 Authentication credentials invalid',
  550: '5.1.1 Mailbox does not exist',
  551: '5.1.6 User not local',
  552: '5.2.2 Mailbox full',
  553: '5.1.3 Mailbox name not allowed',
  554: '5.7.1 Message rejected',
};

function parseArgs(argv) {
  const opts = { port: 0, host: '127.0.0.1', httpPort: 0, out: null, countOnly: false, rules: [], latency: 0, watchParent: false, random: [], drop: [], seed: null, detail: false };
  const rule = (stage, spec) => {
    const eq = spec.lastIndexOf('=');
    if (eq < 0) throw new Error(`--fail-${stage} expects PATTERN=CODE, got ${spec}`);
    const [code, times] = spec.slice(eq + 1).split('*');
    const r = { stage, match: spec.slice(0, eq), code: Number(code) };
    if (times) r.times = Number(times);
    return r;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    switch (a) {
      case '--port': opts.port = Number(next()); break;
      case '--host': opts.host = next(); break;
      case '--http-port': opts.httpPort = Number(next()); break;
      case '--out': opts.out = next(); break;
      case '--count-only': opts.countOnly = true; break;
      case '--latency': opts.latency = Number(next()); break;
      case '--watch-parent': opts.watchParent = true; break;
      case '--fail-rcpt': opts.rules.push(rule('rcpt', next())); break;
      case '--fail-mail': opts.rules.push(rule('mail', next())); break;
      case '--fail-data': opts.rules.push(rule('data', next())); break;
      case '--fail-auth': opts.rules.push({ stage: 'auth', code: Number(next()) }); break;
      case '--rules': opts.rules.push(...JSON.parse(readFileSync(next(), 'utf8'))); break;
      case '--random': { const [stage, spec = ''] = next().split('='); const [code, rate] = spec.split(':'); opts.random.push({ stage, code: Number(code), rate: Number(rate) }); break; }
      case '--drop': { const [stage, rate] = next().split('='); opts.drop.push({ stage, rate: Number(rate) }); break; }
      case '--seed': opts.seed = Number(next()); break;
      case '--detail': opts.detail = true; break;
      default: throw new Error(`unknown option ${a}`);
    }
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
let rules = compileRules(opts.rules);
let chaos = compileChaos({ random: opts.random, drop: opts.drop });
const injected = { random: {}, drop: {} };

/** Random failures and dropped connections (the soak's chaos): validated, with their rates. */
function compileChaos({ random = [], drop = [] }) {
  if (!Array.isArray(random) || !Array.isArray(drop)) throw new Error('chaos: random and drop must be arrays');
  const rate = (r) => {
    const n = Number(r);
    if (!(n >= 0 && n <= 1)) throw new Error(`chaos: bad rate ${r}`);
    return n;
  };
  return {
    random: random.map((r) => {
      if (!['mail', 'rcpt', 'data'].includes(r.stage)) throw new Error(`chaos: bad stage ${r.stage} (mail, rcpt or data)`);
      const code = Number(r.code);
      if (!(code >= 400 && code <= 599)) throw new Error(`chaos: bad code ${r.code}`);
      return { stage: r.stage, code, rate: rate(r.rate) };
    }),
    drop: drop.map((d) => {
      if (!['connect', 'mail', 'rcpt', 'data'].includes(d.stage)) throw new Error(`chaos: bad drop stage ${d.stage} (connect, mail, rcpt or data)`);
      return { stage: d.stage, rate: rate(d.rate) };
    }),
  };
}

/** mulberry32: repeatable draws with --seed, Math.random otherwise. */
const draw = opts.seed === null ? Math.random : ((seed) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
})(opts.seed);

/** A random failure for this stage (counted), or null. */
function randomFailure(stage) {
  for (const r of chaos.random) {
    if (r.stage !== stage || !(draw() < r.rate)) continue;
    const key = `${stage}:${r.code}`;
    injected.random[key] = (injected.random[key] ?? 0) + 1;
    const err = new Error(DEFAULT_MESSAGES[r.code] ?? (r.code >= 500 ? '5.0.0 Rejected' : '4.0.0 Try again later'));
    err.responseCode = r.code;
    return err;
  }
  return null;
}

/** Open sockets by remote port (everything is on loopback), for --drop. */
const sockets = new Map();

/** Closes the session's connection without a reply when this stage draws a drop; true if dropped. */
function dropped(stage, session) {
  const d = chaos.drop.find((x) => x.stage === stage);
  if (!d || !(draw() < d.rate)) return false;
  const socket = sockets.get(session.remotePort);
  if (!socket) return false;
  injected.drop[stage] = (injected.drop[stage] ?? 0) + 1;
  socket.destroy();
  return true;
}

function compileRules(list) {
  if (!Array.isArray(list)) throw new Error('rules must be a JSON array');
  return list.map((r) => {
    if (!['mail', 'rcpt', 'data', 'auth'].includes(r.stage)) throw new Error(`bad rule stage ${r.stage}`);
    const code = Number(r.code);
    if (!(code >= 400 && code <= 599)) throw new Error(`bad rule code ${r.code}`);
    const m = typeof r.match === 'string' ? /^\/(.*)\/([a-z]*)$/.exec(r.match) : null;
    const test = r.match === undefined || r.match === '' ? () => true : m ? ((re) => (s) => re.test(s))(new RegExp(m[1], m[2] || 'i')) : ((needle) => (s) => s.toLowerCase().includes(needle))(String(r.match).toLowerCase());
    return { stage: r.stage, match: r.match, code, message: r.message ?? DEFAULT_MESSAGES[code] ?? (code >= 500 ? '5.0.0 Rejected' : '4.0.0 Try again later'), times: r.times ?? Infinity, used: 0, test };
  });
}

/** The first rule of this stage matching one of the addresses, counted as used; or null. */
function failure(stage, addresses) {
  for (const r of rules) {
    if (r.stage !== stage || r.used >= r.times) continue;
    if (addresses.length === 0 ? r.match === undefined || r.match === '' : addresses.some((a) => r.test(a))) {
      r.used++;
      const err = new Error(r.message);
      err.responseCode = r.code;
      return err;
    }
  }
  return null;
}

const stats = { messages: 0, recipients: 0, bytes: 0, connections: 0, rejected: { mail: 0, rcpt: 0, data: 0, auth: 0 }, byRecipient: Object.create(null), startedAt: Date.now() };
let messages = [];
let seq = 0;

if (opts.out) await mkdir(opts.out, { recursive: true });

const server = new SMTPServer({
  logger: false,
  banner: 'relance test sink',
  disabledCommands: ['STARTTLS'],
  authOptional: true,
  allowInsecureAuth: true,
  disableReverseLookup: true,
  maxClients: 10_000,
  size: 50 * 1024 * 1024,
  onConnect(session, cb) {
    stats.connections++;
    session.connectedAt = Date.now();
    if (chaos.drop.length && dropped('connect', session)) return;
    cb();
  },
  onAuth(auth, _session, cb) {
    const err = failure('auth', []);
    if (err) {
      stats.rejected.auth++;
      return cb(err);
    }
    cb(null, { user: auth.username ?? 'anonymous' });
  },
  onMailFrom(address, session, cb) {
    // When the transaction started: a message's MAIL FROM (tests order it against commands).
    session.mailFromAt = Date.now();
    if (chaos.drop.length && dropped('mail', session)) return;
    const err = (rules.length ? failure('mail', [address.address]) : null) ?? (chaos.random.length ? randomFailure('mail') : null);
    if (err) stats.rejected.mail++;
    cb(err ?? undefined);
  },
  onRcptTo(address, session, cb) {
    if (chaos.drop.length && dropped('rcpt', session)) return;
    const err = (rules.length ? failure('rcpt', [address.address]) : null) ?? (chaos.random.length ? randomFailure('rcpt') : null);
    if (err) stats.rejected.rcpt++;
    cb(err ?? undefined);
  },
  onData(stream, session, cb) {
    const to = session.envelope.rcptTo.map((r) => r.address);
    const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
    const n = ++seq;
    const file = opts.out ? join(opts.out, `${n}.eml`) : null;
    let answered = false;
    const detail = opts.detail && !opts.countOnly ? readHeaders(stream) : null;
    const finish = () => {
      if (answered) return;
      answered = true;
      const size = stream.byteLength ?? 0;
      const reply = () => {
        if (stream.sizeExceeded) {
          const err = new Error('5.3.4 Message too big');
          err.responseCode = 552;
          return cb(err);
        }
        if (chaos.drop.length && dropped('data', session)) return;
        const err = (rules.length ? failure('data', to) : null) ?? (chaos.random.length ? randomFailure('data') : null);
        if (err) {
          stats.rejected.data++;
          return cb(err);
        }
        stats.messages++;
        stats.recipients += to.length;
        stats.bytes += size;
        for (const address of to) stats.byRecipient[address] = (stats.byRecipient[address] ?? 0) + 1;
        if (!opts.countOnly) messages.push({ n, from, to, size, file, at: Date.now(), startedAt: session.mailFromAt ?? 0, ...(detail ? { ...detail.headers(), session: session.id, connectedAt: session.connectedAt ?? 0 } : {}) });
        cb(null, `2.0.0 Ok: queued as ${n}`);
      };
      if (opts.latency > 0) setTimeout(reply, opts.latency);
      else reply();
    };
    if (file) {
      const out = createWriteStream(file);
      out.on('finish', finish);
      out.on('error', (err) => {
        answered = true;
        err.responseCode = 451;
        cb(err);
      });
      stream.pipe(out);
    } else {
      // Nothing to keep: let the bytes flow to nowhere.
      stream.on('end', finish);
      stream.resume();
    }
  },
});

// Replies are small writes: without this, Nagle's algorithm and delayed ACKs add ~40 ms per command.
server.server.on('connection', (socket) => {
  socket.setNoDelay(true);
  const port = socket.remotePort;
  sockets.set(port, socket);
  socket.once('close', () => { if (sockets.get(port) === socket) sockets.delete(port); });
});

/** For --detail: the message's Message-ID and Subject, read from its header block as it streams. */
function readHeaders(stream) {
  let head = '';
  let done = false;
  stream.on('data', (chunk) => {
    if (done) return;
    head += chunk.toString('latin1');
    const end = head.indexOf('\r\n\r\n');
    if (end >= 0 || head.length > 65_536) { done = true; if (end >= 0) head = head.slice(0, end); }
  });
  const header = (name) => {
    const m = new RegExp(`^${name}:[ \t]*(.*(?:\r\n[ \t].*)*)`, 'im').exec(head);
    return m ? m[1].replace(/\r\n[ \t]*/g, ' ').trim() : null;
  };
  return { headers: () => ({ messageId: header('Message-ID'), subject: header('Subject') }) };
}

server.on('error', (err) => {
  process.stderr.write(`smtp-sink: ${err.message}\n`);
});

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const http = createHttpServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://sink');
  const send = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  try {
    if (req.method === 'GET' && url.pathname === '/stats') {
      return send(200, { ...stats, rules: rules.map(({ stage, match, code, times, used }) => ({ stage, match, code, times: times === Infinity ? null : times, used })) });
    }
    if (req.method === 'GET' && url.pathname === '/messages') {
      const to = url.searchParams.get('to')?.toLowerCase();
      let list = to ? messages.filter((m) => m.to.some((a) => a.toLowerCase() === to)) : messages;
      if (url.searchParams.get('raw') === '1') {
        const { readFile } = await import('node:fs/promises');
        list = await Promise.all(list.map(async (m) => ({ ...m, raw: m.file ? await readFile(m.file, 'utf8') : null })));
      }
      return send(200, list);
    }
    if (req.method === 'POST' && url.pathname === '/rules') {
      rules = compileRules(JSON.parse(await readBody(req)));
      return send(200, { rules: rules.length });
    }
    if (req.method === 'GET' && url.pathname === '/chaos') {
      return send(200, { ...chaos, seed: opts.seed, injected });
    }
    if (req.method === 'POST' && url.pathname === '/chaos') {
      chaos = compileChaos(JSON.parse(await readBody(req)));
      return send(200, chaos);
    }
    if (req.method === 'POST' && url.pathname === '/reset') {
      Object.assign(stats, { messages: 0, recipients: 0, bytes: 0, connections: 0, rejected: { mail: 0, rcpt: 0, data: 0, auth: 0 }, byRecipient: Object.create(null), startedAt: Date.now() });
      messages = [];
      return send(200, { ok: true });
    }
    send(404, { error: 'not found' });
  } catch (err) {
    send(400, { error: err.message });
  }
});

function listen(srv, port, host) {
  return new Promise((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(port, host, () => {
      srv.removeListener('error', reject);
      resolve(srv.server ? srv.server.address().port : srv.address().port);
    });
  });
}

const port = await listen(server, opts.port, opts.host);
const httpPort = await listen(http, opts.httpPort, opts.host);
process.stdout.write(`${JSON.stringify({ port, httpPort, pid: process.pid })}\n`);

// Every accepted message was written before its 250 reply: nothing to flush, exit at once.
function stop() {
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
if (opts.watchParent) {
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
}
