import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { quietChildLogger } from '../../../src/serve/quiet-logger.js';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({ write(chunk, _enc, done) { lines.push(JSON.parse(String(chunk))); done(); } });
  return { lines, log: pino({ level: 'info', base: null }, stream) };
}

const requestLogger = (log: pino.Logger, reqId: string) => quietChildLogger.call(undefined as never, log, { reqId }, {}, undefined as never);

describe('quietChildLogger', () => {
  it('drops what is below warn and writes warnings and errors with the request id bound', () => {
    const { lines, log } = capture();
    const child = requestLogger(log, 'r-1');
    child.info('incoming request');
    child.debug('detail');
    child.trace('more');
    expect(lines).toEqual([]);
    child.warn({ dropped: 3 }, 'too many');
    child.error(new Error('boom'), 'failed');
    child.fatal('down');
    expect(lines.map((l) => [l.level, l.reqId, l.msg])).toEqual([[40, 'r-1', 'too many'], [50, 'r-1', 'failed'], [60, 'r-1', 'down']]);
    expect(lines[0]).toMatchObject({ dropped: 3 });
    expect(child.level).toBe('warn');
  });

  it('makes a child of its own for further bindings, request id included', () => {
    const { lines, log } = capture();
    requestLogger(log, 'r-2').child({ part: 'x' }).warn('hello');
    expect(lines).toMatchObject([{ reqId: 'r-2', part: 'x', msg: 'hello' }]);
  });
});
