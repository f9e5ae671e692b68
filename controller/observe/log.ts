// Structured JSON logs, one object per line, with stable keys: ts, level, msg, controller, crd,
// namespace, name, reconcileID, durationMs, err.
import winston from 'winston';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

function wrap(w: winston.Logger): Logger {
  return {
    debug: (msg, fields) => w.debug(msg, fields),
    info: (msg, fields) => w.info(msg, fields),
    warn: (msg, fields) => w.warn(msg, fields),
    error: (msg, fields) => w.error(msg, fields),
    child: (fields) => wrap(w.child(fields)),
  };
}

export function createLogger(level: LogLevel = 'info', stream: NodeJS.WritableStream = process.stderr): Logger {
  const w = winston.createLogger({
    level,
    format: winston.format.combine(
      winston.format.timestamp({ alias: 'ts' }),
      winston.format((info) => {
        // `ts` first, `timestamp` dropped: one time key, as log pipelines expect.
        const { timestamp: _, message, ...rest } = info as winston.Logform.TransformableInfo & { timestamp?: string };
        return { ...rest, msg: message } as unknown as winston.Logform.TransformableInfo;
      })(),
      winston.format.json(),
    ),
    transports: [new winston.transports.Stream({ stream })],
  });
  return wrap(w);
}

/** Discards everything: for tests and for library callers that pass no logger. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};

/** An error as a log field: the message, plus the stack for unexpected exceptions. */
export function errorField(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
