/** Limits shared by the compiler and the evaluator. */
export const MAX_SOURCE_BYTES = 64 * 1024;
/** Output cap per render, counted in UTF-16 code units (one "character" for text in the BMP). */
export const MAX_OUTPUT_CHARS = 1024 * 1024;
/**
 * Total `range` iterations per render, and elements of an `until`/`seq` list: nested ranges over
 * large lists stop here in a few milliseconds; a loop with a costly body meets the CPU budget
 * (budget.ts) first.
 */
export const MAX_RANGE_ITERATIONS = 100_000;
/** Nesting depth of control structures and parenthesised pipelines. */
export const MAX_NESTING = 100;

/**
 * Raised inside the lexer, parser, evaluator and functions with an offset into the template source.
 * compileTemplate/render convert it into a TemplateError, which knows `where` and the source.
 */
export class TemplateFailure extends Error {
  readonly offset: number;
  readonly missingPath: string | undefined;

  constructor(offset: number, reason: string, missingPath?: string) {
    super(reason);
    this.offset = offset;
    this.missingPath = missingPath;
  }
}

/**
 * A render stopped by one of its cost limits (CPU budget, range iterations, output size): the same
 * input stops the same way, after using up to the budget, every time it is rendered.
 */
export class LimitFailure extends TemplateFailure {}

/** Thrown by template functions for bad arguments; the evaluator adds the call position and function name. */
export class FunctionError extends Error {}

/** A function refused work past a limit (a result over the output cap, a list past the element cap). */
export class FunctionLimit extends FunctionError {}

/** 1-based line and column (in code points) of `offset` in `source`. */
export function positionOf(source: string, offset: number): { line: number; column: number } {
  const end = Math.max(0, Math.min(offset, source.length));
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i !== -1 && i < end; i = source.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  let column = 1;
  for (const _ of source.slice(lineStart, end)) column++;
  return { line, column };
}

const MAX_QUOTED_SOURCE = 120;

function excerpt(source: string): string {
  const chars = Array.from(source);
  const short = chars.length > MAX_QUOTED_SOURCE ? `${chars.slice(0, MAX_QUOTED_SOURCE).join('')}…` : source;
  return JSON.stringify(short);
}

/**
 * A template that does not compile or fails to render. The message names the Katalog field (`where`),
 * the template, the line:column in the template and, for missing data, the data path:
 * `spec.crds.web...image: template "{{ .spec.image }}" at 1:4: missing field .spec.image`.
 */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  /** Field path of the template in the Katalog. */
  readonly where: string;
  readonly line: number;
  readonly column: number;
  /** The data path that was missing (`.spec.image`), when that is the cause. */
  readonly missingPath?: string;
  /** The template source. */
  readonly source: string;
  /** The cause alone, without `where`, template and position. */
  readonly reason: string;
  /** True when a cost limit stopped the render (LimitFailure), not an error in the template or data. */
  readonly limitExceeded: boolean;

  constructor(
    where: string,
    source: string,
    offset: number,
    reason: string,
    missingPath?: string,
    options?: ErrorOptions & { limitExceeded?: boolean },
  ) {
    const { line, column } = positionOf(source, offset);
    const prefix = where === '' ? '' : `${where}: `;
    super(
      `${prefix}template ${excerpt(source)} at ${line}:${column}: ${reason}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.where = where;
    this.line = line;
    this.column = column;
    if (missingPath !== undefined) this.missingPath = missingPath;
    this.source = source;
    this.reason = reason;
    this.limitExceeded = options?.limitExceeded === true;
  }
}

/** Wraps anything thrown while compiling or rendering `source` into a TemplateError. */
export function toTemplateError(error: unknown, where: string, source: string): TemplateError {
  if (error instanceof TemplateError) return error;
  if (error instanceof TemplateFailure) {
    return new TemplateError(where, source, error.offset, error.message, error.missingPath, {
      limitExceeded: error instanceof LimitFailure,
    });
  }
  if (error instanceof RangeError) {
    return new TemplateError(where, source, 0, `value nested too deeply (${error.message})`, undefined, {
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new TemplateError(where, source, 0, `internal error: ${message}`, undefined, { cause: error });
}
