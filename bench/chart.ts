// A minimal SVG line chart (measured points, the least-squares line through them, linear axes) for
// the scale curve. Two small panels do not justify a charting dependency, and a hand-written
// generator keeps the output byte-stable for the same numbers, so a results diff shows real change.
import type { Line } from './stats.ts';

export interface Panel {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly points: readonly (readonly [number, number])[];
  readonly fit?: Line;
}

const W = 460;
const H = 300;
const M = { left: 64, right: 16, top: 32, bottom: 48 };

/** A round step giving about `target` ticks between 0 and max. */
function tickStep(max: number, target = 5): number {
  const raw = max / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (n: number) => (Number.isInteger(n) ? String(n) : n.toPrecision(3));

function panel(p: Panel, offsetX: number): string {
  const xs = p.points.map(([x]) => x);
  const ys = p.points.map(([, y]) => y);
  const xStep = tickStep(Math.max(...xs, 1));
  const yStep = tickStep(Math.max(...ys, 1));
  const xMax = Math.ceil(Math.max(...xs, 1) / xStep) * xStep;
  const yMax = Math.ceil(Math.max(...ys, 1) / yStep) * yStep;
  const px = (x: number) => offsetX + M.left + (x / xMax) * (W - M.left - M.right);
  const py = (y: number) => M.top + (1 - y / yMax) * (H - M.top - M.bottom);
  const out: string[] = [];
  out.push(`<text x="${offsetX + W / 2}" y="18" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`);
  for (let y = 0; y <= yMax + 1e-9; y += yStep) {
    out.push(`<line x1="${px(0)}" x2="${px(xMax)}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/>`);
    out.push(`<text x="${px(0) - 6}" y="${py(y) + 4}" text-anchor="end">${num(y)}</text>`);
  }
  for (let x = 0; x <= xMax + 1e-9; x += xStep) {
    out.push(`<line x1="${px(x)}" x2="${px(x)}" y1="${py(0)}" y2="${py(0) + 4}" stroke="#333"/>`);
    out.push(`<text x="${px(x)}" y="${py(0) + 18}" text-anchor="middle">${num(x)}</text>`);
  }
  out.push(`<line x1="${px(0)}" x2="${px(xMax)}" y1="${py(0)}" y2="${py(0)}" stroke="#333"/>`);
  out.push(`<line x1="${px(0)}" x2="${px(0)}" y1="${py(0)}" y2="${py(yMax)}" stroke="#333"/>`);
  out.push(`<text x="${offsetX + (W + M.left) / 2}" y="${H - 8}" text-anchor="middle">${esc(p.xLabel)}</text>`);
  out.push(
    `<text transform="translate(${offsetX + 14} ${(H - M.bottom + M.top) / 2}) rotate(-90)" text-anchor="middle">${esc(p.yLabel)}</text>`,
  );
  if (p.fit && !Number.isNaN(p.fit.slope)) {
    const y0 = p.fit.intercept;
    const y1 = p.fit.slope * xMax + p.fit.intercept;
    out.push(
      `<line x1="${px(0)}" y1="${py(y0)}" x2="${px(xMax)}" y2="${py(y1)}" stroke="#e07a1f" stroke-dasharray="6 4"/>`,
    );
  }
  const sorted = [...p.points].sort((a, b) => a[0] - b[0]);
  out.push(
    `<polyline fill="none" stroke="#1f5fa8" stroke-width="2" points="${sorted.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`,
  );
  for (const [x, y] of sorted) {
    out.push(
      `<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3.5" fill="#1f5fa8"><title>${num(x)}: ${num(y)}</title></circle>`,
    );
  }
  return out.join('\n');
}

/** Panels side by side in one SVG document; a dashed line is the least-squares fit. */
export function lineCharts(panels: readonly Panel[], caption: string): string {
  const width = W * panels.length;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H + 24}" viewBox="0 0 ${width} ${H + 24}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    ...panels.map((p, i) => panel(p, i * W)),
    `<text x="8" y="${H + 16}" fill="#555">${esc(caption)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
