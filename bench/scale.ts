// `--scale`: Orkestra's converge time and RSS against the number of Websites (3 children each),
// and its RSS against the number of boxes, each point on a fresh control plane. Writes
// latest-scale.{json,md} and scale.svg, with the least-squares slopes and a linearity check.
import { mkdir, writeFile } from 'node:fs/promises';
import { boxesRss } from './boxes.ts';
import { lineCharts } from './chart.ts';
import { loadAverage, onFreshControlPlane, root } from './cluster.ts';
import { convergeRun } from './converge.ts';
import type { Peer } from './peer.ts';
import { leastSquares } from './stats.ts';
import type { KatalogOptions } from './workload.ts';

const MiB = 2 ** 20;

export interface ScalePoint {
  n: number;
  objects: number;
  convergeMs: number;
  msPerCr: number;
  cpuSeconds: number;
  idleRssMiB: number;
  afterConvergeRssMiB: number;
  loadAverage: number;
}

export async function scaleRun(
  orkestra: Peer,
  ns: readonly number[],
  boxCounts: readonly number[],
  options: KatalogOptions,
  context: { commit: string },
) {
  const started = Date.now();
  const points: ScalePoint[] = [];
  const boxes: { boxes: number; rssMiB: number }[] = [];
  const save = () => writeScale(points, boxes, { ns, boxCounts, options, commit: context.commit, started });
  // Box counts first (short), then N in the order given; the files are rewritten after every
  // point, so a run stopped at a deadline keeps what it measured.
  for (const count of boxCounts) {
    boxes.push({ boxes: count, rssMiB: (await boxesRss(orkestra, count, options)) / MiB });
    console.error(`scale boxes=${count}: RSS ${boxes.at(-1)?.rssMiB.toFixed(1)} MiB (load ${loadAverage()})`);
    await save();
  }
  for (const n of ns) {
    const r = await onFreshControlPlane(`scale N=${n}`, (cp, client) =>
      convergeRun(orkestra, cp, client, { n, workers: options.workers }),
    );
    const point: ScalePoint = {
      n,
      objects: n * 4,
      convergeMs: r.convergeMs,
      msPerCr: r.convergeMs / n,
      cpuSeconds: r.cpuSeconds,
      idleRssMiB: r.idleRss / MiB,
      afterConvergeRssMiB: r.afterRss / MiB,
      loadAverage: loadAverage(),
    };
    points.push(point);
    console.error(
      `scale N=${n}: ${Math.round(r.convergeMs)} ms (${point.msPerCr.toFixed(2)} ms/CR), RSS ${point.afterConvergeRssMiB.toFixed(1)} MiB, load ${point.loadAverage}`,
    );
    await save();
  }
  console.log(await save());
}

async function writeScale(
  unsorted: readonly ScalePoint[],
  boxes: readonly { boxes: number; rssMiB: number }[],
  context: {
    ns: readonly number[];
    boxCounts: readonly number[];
    options: KatalogOptions;
    commit: string;
    started: number;
  },
): Promise<string> {
  const { ns, boxCounts, options } = context;
  const points = [...unsorted].sort((a, b) => a.n - b.n);
  const time = leastSquares(points.map((p) => [p.n, p.convergeMs]));
  const rss = leastSquares(points.map((p) => [p.objects / 1000, p.afterConvergeRssMiB]));
  const perBox = leastSquares(boxes.map((b) => [b.boxes, b.rssMiB]));
  const at = (n: number) => points.find((p) => p.n === n);
  const big = points.at(-1); // the largest N
  const ref = at(1000) ?? points[0];
  const results = {
    date: new Date().toISOString(),
    commit: context.commit,
    parameters: { ns, boxes: boxCounts, workers: options.workers, events: options.events, childrenPerCr: 3 },
    points,
    boxes,
    slopes: {
      msPerCr: time.slope,
      timeR2: time.r2,
      mibPer1000Objects: rss.slope,
      rssR2: rss.r2,
      mibPerBox: perBox.slope,
    },
    // Per-CR time at the largest N over per-CR time at 1,000: about 1 when linear, about N/1000 when quadratic.
    linearity: big && ref ? { fromN: ref.n, toN: big.n, perCrTimeRatio: big.msPerCr / ref.msPerCr } : undefined,
    durationS: (Date.now() - context.started) / 1000,
  };

  const f = (n: number | undefined, d = 0) => (n === undefined || Number.isNaN(n) ? 'n/a' : n.toFixed(d));
  const md = [
    `| Websites (x 3 children) | objects | converge | per Website | CPU | RSS idle | RSS after converge | load |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...points.map(
      (p) =>
        `| ${p.n} | ${p.objects} | ${f(p.convergeMs)} ms | ${f(p.msPerCr, 2)} ms | ${f(p.cpuSeconds, 1)} s | ${f(p.idleRssMiB, 1)} MiB | ${f(p.afterConvergeRssMiB, 1)} MiB | ${p.loadAverage} |`,
    ),
    '',
    '| boxes (no Websites) | RSS |',
    '| --- | --- |',
    ...boxes.map((b) => `| ${b.boxes} | ${f(b.rssMiB, 1)} MiB |`),
    '',
    `slope (least squares): ${f(time.slope, 2)} ms per Website (r² ${f(time.r2, 3)}), ` +
      `${f(rss.slope, 2)} MiB per 1,000 objects (r² ${f(rss.r2, 3)}), ${f(perBox.slope, 2)} MiB per box`,
    results.linearity
      ? `linearity: per-Website time at N=${results.linearity.toN} is ${f(results.linearity.perCrTimeRatio, 2)}x that at N=${results.linearity.fromN} (1 = linear)`
      : '',
    big ? `RSS at N=${big.n}: ${f(big.afterConvergeRssMiB, 1)} MiB` : '',
    `commit ${context.commit}`,
  ].join('\n');
  const svg = lineCharts(
    [
      {
        title: 'converge time vs Websites',
        xLabel: 'Websites (3 children each)',
        yLabel: 'converge (ms)',
        points: points.map((p) => [p.n, p.convergeMs]),
        fit: time,
      },
      {
        title: 'RSS after converge vs managed objects',
        xLabel: 'managed objects (thousands)',
        yLabel: 'RSS (MiB)',
        points: points.map((p) => [p.objects / 1000, p.afterConvergeRssMiB]),
        fit: rss,
      },
    ],
    `Orkestra ${context.commit}: ${f(time.slope, 2)} ms per Website, ${f(rss.slope, 2)} MiB per 1,000 objects (dashed: least-squares line)`,
  );
  const dir = `${root}bench/results`;
  await mkdir(dir, { recursive: true });
  await writeFile(`${dir}/latest-scale.json`, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(`${dir}/latest-scale.md`, `${md}\n`);
  await writeFile(`${dir}/scale.svg`, svg);
  return md;
}
