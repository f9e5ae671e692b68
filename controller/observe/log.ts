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

// winston formats (timestamp, JSON) every call before its transport drops a disabled level, so a
// debug line per reconcile cost as much as a written one: the level is checked first, and a
// child's winston logger is only made once it has something to write.
function wrap(make: () => winston.Logger, root: winston.Logger): Logger {
  let made: winston.Logger | undefined;
  const w = () => {
    made ??= make();
    return made;
  };
  const at =
    (level: LogLevel) =>
    (msg: string, fields?: LogFields): void => {
      if (root.isLevelEnabled(level)) w()[level](msg, fields);
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => wrap(() => w().child(fields), root),
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
  return wrap(() => w, w);
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
