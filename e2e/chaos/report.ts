// The results table, as Markdown (written to results/latest.md and printed).
import type { ScenarioResult } from './scenario.ts';

const s = (ms: number | undefined) => (ms === undefined || Number.isNaN(ms) ? '–' : (ms / 1000).toFixed(1));

export function resultsTable(results: readonly ScenarioResult[]): string {
  const rows = [
    '| scenario | runs | CRs | orphans | duplicates | lost updates | crashes | re-converge p50 / max (s) | takeover p50 / max (s) | API req / converged CR | wall (s) | load avg start→end |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    rows.push(
      `| ${r.title} | ${r.runs} | ${r.websites} | ${r.orphans} | ${r.duplicates} | ${r.lostUpdates} | ${r.crashes} | ${s(r.reconvergeMs.p50)} / ${s(r.reconvergeMs.max)} | ${r.takeoverMs ? `${s(r.takeoverMs.p50)} / ${s(r.takeoverMs.max)}` : '–'} | ${r.requestsPerConvergedCr.toFixed(1)} | ${s(r.wallMs)} | ${r.loadAverage.map((l) => l.toFixed(1)).join('→')} |`,
    );
  }
  return rows.join('\n');
}
