// The box page's 15-minute chart: reconciles and errors per 5 s, and queue depth, drawn as SVG
// lines (no inline styles, so the strict CSP holds). A text summary stands in for screen readers.
import type { ChartPoint } from '../view-model.ts';
import { clock } from './format.ts';

const W = 720;
const H = 160;
const PAD = 4;

function line(points: readonly ChartPoint[], pick: (p: ChartPoint) => number, max: number): string {
  const step = (W - 2 * PAD) / Math.max(1, points.length - 1);
  return points
    .map((p, i) => `${(PAD + i * step).toFixed(1)},${(H - PAD - (pick(p) / max) * (H - 2 * PAD)).toFixed(1)}`)
    .join(' ');
}

export function Chart({ points }: { points: readonly ChartPoint[] }) {
  const max = Math.max(1, ...points.map((p) => Math.max(p.reconciles, p.errors, p.queueDepth)));
  const total = points.reduce((n, p) => n + p.reconciles, 0);
  const errors = points.reduce((n, p) => n + p.errors, 0);
  const peak = Math.max(0, ...points.map((p) => p.queueDepth));
  const first = points[0];
  const summary = `Last 15 minutes: ${total} reconciles, ${errors} errors, queue depth peaked at ${peak}.`;
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" role="img" aria-label={summary}>
        <line class="axis" x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} />
        <polyline class="series-reconciles" points={line(points, (p) => p.reconciles, max)} />
        <polyline class="series-queue" points={line(points, (p) => p.queueDepth, max)} />
        <polyline class="series-errors" points={line(points, (p) => p.errors, max)} />
      </svg>
      <figcaption>
        <ul class="legend">
          <li class="legend-reconciles">reconciles / 5 s</li>
          <li class="legend-errors">errors / 5 s</li>
          <li class="legend-queue">queue depth</li>
          <li class="legend-scale">
            scale 0–{max}
            {first ? `, from ${clock(first.t)}` : ''}
          </li>
        </ul>
        <p class="visually-hidden">{summary}</p>
      </figcaption>
    </figure>
  );
}
