// Go duration strings (the format of resync, backoff and timeout fields): 500ms, 10m, 1h30m.

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** Milliseconds of a Go duration; throws on anything the CRD pattern would not admit. */
export function parseDuration(text: string): number {
  const re = /([0-9]+(?:\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * (UNIT_MS[m[2] as string] ?? 0);
    consumed = re.lastIndex;
  }
  if (text === '' || consumed !== text.length)
    throw new Error(`invalid duration "${text}" (expected e.g. 500ms, 10m, 1h30m)`);
  return total;
}
