// The benchmark's results: the JSON kept in bench/results/latest.json (today's keys, plus
// `peers.<name>` with the same keys) and the Markdown table printed and kept beside it.
import { median, pairRatios, percentile, type Spread, spread } from './stats.ts';

const MiB = 2 ** 20;

/** What the pairs measured for one controller. */
export interface ControllerSeries {
  convergeMs: number[];
  cpuSeconds: number[];
  idleRss: number[];
  peakRss: number[];
  afterRss: number[];
  rssPer1000: number[];
  heapPer1000: number[];
  writesPerCr: number[];
  reconcilesPerCr: number[];
  flags: readonly string[];
  firstChild: number[];
  drift: number[];
  steady?: { writesPerMin: number; reconcilesPerMin: number };
}

export const emptySeries = (): ControllerSeries => ({
  convergeMs: [],
  cpuSeconds: [],
  idleRss: [],
  peakRss: [],
  afterRss: [],
  rssPer1000: [],
  heapPer1000: [],
  writesPerCr: [],
  reconcilesPerCr: [],
  flags: [],
  firstChild: [],
  drift: [],
});

export interface ControllerSummary {
  converge: {
    controllerMs: number;
    floorMs: number;
    /** Median of the per-pair ratios controller / floor (each pair on one fresh control plane). */
    ratio: number;
    ratioSpread: Spread;
    ratios: number[];
    runs: number[];
    floorRuns: number[];
    cpuSeconds: number;
    writesPerCr: number;
    reconcilesPerCr: number;
  };
  firstChild: { p50Ms: number; p95Ms: number };
  drift: { p50Ms: number; p99Ms: number };
  steady?: { writesPerMin: number; reconcilesPerMin: number };
  memory: {
    idleRssMiB: number;
    /** The moment the last Website turned Ready. */
    peakConvergeRssMiB: number;
    /** Once the controller is quiet again (no writes for 6 s). */
    afterConvergeRssMiB: number;
    rssPer1000ObjectsMiB: number;
    heapPer1000ObjectsMiB: number;
  };
  flags: readonly string[];
}

export function summarize(s: ControllerSeries, floors: readonly number[]): ControllerSummary {
  const ratios = pairRatios(s.convergeMs, floors);
  return {
    converge: {
      controllerMs: median(s.convergeMs),
      floorMs: median(floors),
      ratio: median(ratios),
      ratioSpread: spread(ratios),
      ratios,
      runs: s.convergeMs,
      floorRuns: [...floors],
      cpuSeconds: median(s.cpuSeconds),
      writesPerCr: median(s.writesPerCr),
      reconcilesPerCr: median(s.reconcilesPerCr),
    },
    firstChild: { p50Ms: percentile(s.firstChild, 50), p95Ms: percentile(s.firstChild, 95) },
    drift: { p50Ms: percentile(s.drift, 50), p99Ms: percentile(s.drift, 99) },
    steady: s.steady,
    memory: {
      idleRssMiB: median(s.idleRss) / MiB,
      peakConvergeRssMiB: median(s.peakRss) / MiB,
      afterConvergeRssMiB: median(s.afterRss) / MiB,
      rssPer1000ObjectsMiB: median(s.rssPer1000) / MiB,
      heapPer1000ObjectsMiB: median(s.heapPer1000) / MiB,
    },
    flags: s.flags,
  };
}

const f = (n: number | undefined, d = 0) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(d));
const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || Number.isNaN(a) || Number.isNaN(b) || b === 0 ? '' : `${(a / b).toFixed(2)}x`;
const withSpread = (r: number, s: Spread) => `${f(r, 2)}x (${f(s.min, 2)}–${f(s.max, 2)})`;

export interface TableInput {
  readonly n: number;
  readonly pairs: number;
  readonly workers: number;
  readonly boxes: number;
  readonly orkestra: ControllerSummary;
  readonly peer?: { readonly name: string; readonly summary: ControllerSummary };
  readonly crdToRunning: { p50Ms: number; p95Ms: number };
  readonly rssWithBoxesMiB: number;
  readonly memoryOnly: boolean;
}

/** The three-way table: Orkestra, the peer (kro) and the plain-client floor, with ratios. */
export function table(t: TableInput): string {
  const o = t.orkestra;
  const k = t.peer?.summary;
  const peer = t.peer?.name ?? 'peer';
  type Row = [string, string, string, string, string];
  // measure | Orkestra | peer | floor | ratios
  const both = (label: string, of: (s: ControllerSummary) => number | undefined, d: number, unit: string): Row => [
    label,
    `${f(of(o), d)}${unit}`,
    k ? `${f(of(k), d)}${unit}` : '',
    '',
    k && ratio(of(k), of(o)) ? `${peer}/Orkestra ${ratio(of(k), of(o))}` : '',
  ];
  const pairOf = (
    label: string,
    a: (s: ControllerSummary) => number,
    b: (s: ControllerSummary) => number,
    unit: string,
  ): Row => [
    label,
    `${f(a(o))} / ${f(b(o))}${unit}`,
    k ? `${f(a(k))} / ${f(b(k))}${unit}` : '',
    '',
    k ? `${peer}/Orkestra ${ratio(a(k), a(o))} / ${ratio(b(k), b(o))}` : '',
  ];
  const memory: Row[] = [
    both('RSS idle (definition serving, no Websites)', (s) => s.memory.idleRssMiB, 1, ' MiB'),
    both(`RSS as the last of ${t.n} Websites turns Ready`, (s) => s.memory.peakConvergeRssMiB, 1, ' MiB'),
    both(`RSS after converging ${t.n} Websites (quiet 6 s)`, (s) => s.memory.afterConvergeRssMiB, 1, ' MiB'),
    both('RSS growth per 1,000 managed objects', (s) => s.memory.rssPer1000ObjectsMiB, 1, ' MiB'),
    both('heap growth per 1,000 managed objects', (s) => s.memory.heapPer1000ObjectsMiB, 1, ' MiB'),
    [`RSS with ${t.boxes} boxes (no Websites)`, `${f(t.rssWithBoxesMiB, 1)} MiB`, '', '', ''],
  ];
  const rows: Row[] = t.memoryOnly
    ? memory
    : [
        [
          `converge ${t.n} Websites x 3 children`,
          `${f(o.converge.controllerMs)} ms`,
          k ? `${f(k.converge.controllerMs)} ms` : '',
          `${f(o.converge.floorMs)} ms`,
          `Orkestra/floor ${withSpread(o.converge.ratio, o.converge.ratioSpread)}${
            k ? `; ${peer}/floor ${withSpread(k.converge.ratio, k.converge.ratioSpread)}` : ''
          }`,
        ],
        both('controller CPU for the converge', (s) => s.converge.cpuSeconds, 1, ' s'),
        [
          'controller writes per Website (converge)',
          f(o.converge.writesPerCr, 1),
          k ? f(k.converge.writesPerCr, 1) : '',
          '4 (3 applies + status)',
          k ? `${peer}/Orkestra ${ratio(k.converge.writesPerCr, o.converge.writesPerCr)}` : '',
        ],
        both('reconciles per Website (converge)', (s) => s.converge.reconcilesPerCr, 1, ''),
        pairOf(
          'definition applied -> first child (p50 / p95)',
          (s) => s.firstChild.p50Ms,
          (s) => s.firstChild.p95Ms,
          ' ms',
        ),
        [
          'CRD applied -> box Running (p50 / p95)',
          `${f(t.crdToRunning.p50Ms)} / ${f(t.crdToRunning.p95Ms)} ms`,
          k ? '(generates its CRD)' : '',
          '',
          '',
        ],
        pairOf(
          'child deleted -> recreated (p50 / p99)',
          (s) => s.drift.p50Ms,
          (s) => s.drift.p99Ms,
          ' ms',
        ),
        both('steady state: writes per minute', (s) => s.steady?.writesPerMin, 0, ''),
        both('steady state: reconciles per minute', (s) => s.steady?.reconcilesPerMin, 0, ''),
        ...memory,
      ];
  const header = `| measure (median of ${t.pairs} pairs, ${t.workers} workers) | Orkestra | ${k ? peer : '(no peer)'} | floor | ratios (median of per-pair; min–max) |`;
  return [header, '| --- | --- | --- | --- | --- |', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}
