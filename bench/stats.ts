/** The p-th percentile (nearest rank) of the values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export interface Spread {
  readonly min: number;
  readonly max: number;
}

/** The smallest and largest value; NaN for none. */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { min: Number.NaN, max: Number.NaN };
  return { min: Math.min(...values), max: Math.max(...values) };
}

/** Element-wise a[i] / b[i] over the pairs both hold (per-pair ratios of a paired benchmark). */
export function pairRatios(a: readonly number[], b: readonly number[]): number[] {
  return a.slice(0, Math.min(a.length, b.length)).map((x, i) => x / (b[i] as number));
}

export interface Line {
  readonly slope: number;
  readonly intercept: number;
  /** Coefficient of determination: 1 for points exactly on the line. */
  readonly r2: number;
}

/** The least-squares line y = slope * x + intercept through the points (at least two distinct x). */
export function leastSquares(points: readonly (readonly [number, number])[]): Line {
  const n = points.length;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) ** 2;
    sxy += (x - mx) * (y - my);
    syy += (y - my) ** 2;
  }
  if (n < 2 || sxx === 0) return { slope: Number.NaN, intercept: Number.NaN, r2: Number.NaN };
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}
