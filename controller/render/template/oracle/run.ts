/**
 * Runs the Go oracle (main.go, built and cached by build.sh) over templates and data sets: one
 * process for the whole batch.
 */
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Outcome } from './differences.ts';

const here = dirname(fileURLToPath(import.meta.url));

export interface GoCase {
  readonly template: string;
  /** Name of a data set in `data`. */
  readonly data: string;
}

/** Builds the oracle if it is not cached yet (needs Go and the module proxy the first time). */
export function oracleBinary(): string {
  return execFileSync('bash', [join(here, 'build.sh')], { encoding: 'utf8' }).trim();
}

export function renderWithGo(cases: readonly GoCase[], data: Readonly<Record<string, unknown>>): Outcome[] {
  const input = JSON.stringify({
    data,
    cases: cases.map((c, i) => ({ id: String(i), template: c.template, data: c.data })),
  });
  const out = execFileSync(oracleBinary(), { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const results = JSON.parse(out) as Array<{ ok: boolean; out?: string; err?: string }>;
  return results.map((r) => ({ ok: r.ok, text: r.ok ? (r.out ?? '') : (r.err ?? '') }));
}
