import type { FastifyBaseLogger, RouteShorthandOptions } from 'fastify';

type Bindings = Record<string, unknown>;
type LogArgs = Parameters<FastifyBaseLogger['warn']>;

/**
 * A request's logger that writes warnings and worse only, and makes its pino child (the request
 * id bound) the first time it writes one. The pixel and the click redirect answer thousands of
 * requests a second and log nearly none: a pino child for each cost more than their handler.
 */
class QuietLogger {
  readonly level = 'warn';
  private made: FastifyBaseLogger | undefined;

  constructor(private readonly parent: FastifyBaseLogger, private readonly bindings: Bindings) {}

  private get real(): FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, { level: 'warn' }));
  }

  trace(): void {}
  debug(): void {}
  info(): void {}
  silent(): void {}
  warn(...args: LogArgs): void {
    this.real.warn(...args);
  }
  error(...args: LogArgs): void {
    this.real.error(...args);
  }
  fatal(...args: LogArgs): void {
    this.real.fatal(...args);
  }
  child(bindings: Bindings, options?: Record<string, unknown>): FastifyBaseLogger {
    return this.real.child(bindings, options);
  }
}

/** A route's `childLoggerFactory`: request loggers at `warn` that cost nothing until they write. */
export const quietChildLogger: NonNullable<RouteShorthandOptions['childLoggerFactory']> = (logger, bindings) =>
  new QuietLogger(logger, bindings) as unknown as FastifyBaseLogger;
