// How the CLI talks to a terminal: data on stdout, one-line errors on stderr the way kubectl
// prints them, colour only when stdout is a TTY and NO_COLOR is unset (https://no-color.org).
import type { Palette } from './findings.ts';

/** Exit statuses: 0 clean, 1 findings or changes, 2 a usage error (bad flag, missing file). */
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export function colourEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && (env.NO_COLOR ?? '') === '';
}

const ansi = (code: number) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;
const plain = (s: string) => s;

export function palette(enabled: boolean): Palette {
  return enabled
    ? { red: ansi(31), yellow: ansi(33), dim: ansi(2), green: ansi(32) }
    : { red: plain, yellow: plain, dim: plain, green: plain };
}

/** A failure the user can act on: printed as one `error: …` line, exiting with `code`. */
export class CliError extends Error {
  readonly code: number;
  constructor(message: string, code: number = EXIT_FINDINGS) {
    super(message);
    this.code = code;
  }
}

export function fail(err: unknown): never {
  const message = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  process.stderr.write(`error: ${message}\n`);
  process.exit(err instanceof CliError ? err.code : EXIT_FINDINGS);
}
