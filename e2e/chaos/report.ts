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

/** The phases of a start or a takeover, in the order they happen (see takeoverPhases). */
const PHASES = ['spawned', 'listening', 'leading', 'root started', 'CRs listed', 'converged'];

/**
 * Where the re-convergences of the scenarios that start or hand over a controller went: each
 * phase's p50 / max in seconds from the fault, and the child applies by result (how much of the
 * re-reconcile wrote and how much found the child as it should be).
 */
export function phasesTable(results: readonly ScenarioResult[]): string {
  const traced = results.filter((r) => r.phasesMs);
  if (traced.length === 0) return '';
  const phases = PHASES.filter((p) => traced.some((r) => r.phasesMs?.[p]));
  const rows = [
    `| scenario (s from the fault, p50 / max) | ${phases.join(' | ')} | applies |`,
    `|---|${phases.map(() => '---|').join('')}---|`,
  ];
  for (const r of traced) {
    const cells = phases.map((p) => {
      const m = r.phasesMs?.[p];
      return m ? `${s(m.p50)} / ${s(m.max)}` : '–';
    });
    const applies = Object.entries(r.applies)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    rows.push(`| ${r.title} | ${cells.join(' | ')} | ${applies} |`);
  }
  return rows.join('\n');
}
