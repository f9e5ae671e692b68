// `make bench`: what Orkestra costs, beside kro and a plain-client floor, on local control planes.
// Prints a table and writes bench/results/latest.{json,md}; `--scale` writes the scale curve
// instead (latest-scale.{json,md}, scale.svg). The workload is a Website kind producing a
// Deployment, a Service and a ConfigMap (bench/workload.ts).
//
// Noise on a shared machine is handled by pairing: each pair is one fresh control plane on which
// the peer (kro), Orkestra and the floor run back to back (Orkestra and the floor alternate who
// goes first); ratios are taken per pair and the median and spread (min–max) of the per-pair
// ratios are reported, so one slow run cannot decide.
//
//   converge     N Websites from first create to all Ready (controller CPU seconds, writes and
//                reconciles per Website alongside), against the floor
//   first child  definition (Katalog / RGD) applied -> first child (p50, p95); CRD applied -> box Running
//   drift        child deleted -> recreated (p50, p99)
//   steady       controller write requests and reconciles per minute once converged
//   memory       RSS idle and after converge, RSS and heap per 1,000 managed objects; RSS with many boxes
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { boxesRss } from './boxes.ts';
import { commitMeasured, loadAverage, onFreshControlPlane, root } from './cluster.ts';
import { type ConvergeResult, convergeRun } from './converge.ts';
import { floorRun, prepareFloor } from './floor.ts';
import { crdToRunningRun, firstChildRun } from './latency.ts';
import { orkestraPeer } from './orkestra.ts';
import type { Peer } from './peer.ts';
import { KRO_VERSION, kroBuild, kroPeer } from './peers/kro.ts';
import { type ControllerSeries, emptySeries, summarize, table } from './report.ts';
import { scaleRun } from './scale.ts';
import { percentile } from './stats.ts';

// `--replicas 1,2,4` (and `--failover`) is the scale-out benchmark, bench/replicas.ts, with its own flags.
if (process.argv.some((a) => /^--(replicas|failover)(=|$)/.test(a))) {
  await import('./replicas.ts');
  process.exit(process.exitCode ?? 0);
}

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1000' },
    pairs: { type: 'string', default: '5' },
    workers: { type: 'string', default: '8' },
    'steady-seconds': { type: 'string', default: '60' },
    boxes: { type: 'string', default: '50' },
    // Events are writes the floor does not make; --events false measures the controller without them.
    events: { type: 'string', default: 'true' },
    // `kro` (default) runs kro beside Orkestra; `none` skips it for quick runs.
    peers: { type: 'string', default: 'kro' },
    // kro's converge is by far the longest part of a pair: run it in the first K pairs only
    // (default: every pair). Orkestra and the floor still run in every pair.
    'peer-pairs': { type: 'string' },
    // `--only memory` skips the floor, latency and steady-state runs: RSS and heap figures only.
    only: { type: 'string' },
    // The scale curve instead of the comparison: N Websites for each N, and RSS for each box count.
    scale: { type: 'boolean', default: false },
    'scale-n': { type: 'string', default: '100,1000,5000,10000' },
    'scale-boxes': { type: 'string', default: '1,10,50' },
  },
});
const fail = (message: string): never => {
  console.error(`bench: ${message}`);
  process.exit(2);
};
if (values.only !== undefined && values.only !== 'memory') fail(`--only ${values.only}: only "memory" is known`);
if (values.peers !== 'kro' && values.peers !== 'none') fail(`--peers ${values.peers}: use "kro" or "none"`);
const positive = (flag: string, v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) fail(`--${flag} ${v}: want a whole number of at least 1`);
  return n;
};
const list = (flag: string, v: string) => v.split(',').map((x) => positive(flag, x.trim()));
const MEMORY_ONLY = values.only === 'memory';
const N = positive('n', values.n);
const PAIRS = positive('pairs', values.pairs);
const PEER_PAIRS = Math.min(PAIRS, positive('peer-pairs', values['peer-pairs'] ?? String(PAIRS)));
const WORKERS = positive('workers', values.workers);
const STEADY_S = positive('steady-seconds', values['steady-seconds']);
const BOXES = positive('boxes', values.boxes);
const EVENTS = values.events !== 'false';
const DRIFT_SAMPLES = 50;
const LATENCY_KINDS = 20;

const katalogOptions = { workers: WORKERS, events: EVENTS };
const orkestra = orkestraPeer(katalogOptions);
const commit = await commitMeasured();

if (values.scale) {
  await scaleRun(
    orkestra,
    list('scale-n', values['scale-n']),
    list('scale-boxes', values['scale-boxes']),
    katalogOptions,
    {
      commit,
    },
  );
  process.exit(0);
}

const kro: Peer | undefined = values.peers === 'kro' ? kroPeer(await kroBuild()) : undefined;
const started = Date.now();
const loads: number[] = [];
const series = { orkestra: emptySeries(), kro: emptySeries() };
const floors: number[] = [];

function record(s: ControllerSeries, r: ConvergeResult) {
  s.convergeMs.push(r.convergeMs);
  s.cpuSeconds.push(r.cpuSeconds);
  s.idleRss.push(r.idleRss);
  s.peakRss.push(r.peakRss);
  s.afterRss.push(r.afterRss);
  s.rssPer1000.push(r.rssPer1000);
  s.heapPer1000.push(r.heapPer1000);
  s.writesPerCr.push(r.writesPerCr);
  s.reconcilesPerCr.push(r.reconcilesPerCr);
  s.flags = r.flags;
  if (r.drift) s.drift = r.drift;
  if (r.steady) s.steady = r.steady;
}

for (let p = 0; p < PAIRS; p++) {
  // A retried pair starts over: it must not keep half a pair.
  const pair = await onFreshControlPlane(`pair ${p + 1}`, async (cp, client) => {
    const extras = p === 0 && !MEMORY_ONLY ? { steadySeconds: STEADY_S, driftSamples: DRIFT_SAMPLES } : undefined;
    const options = { n: N, workers: WORKERS, extras };
    // kro first: it watches every Deployment, Service and ConfigMap (metadata only), so on a
    // control plane already holding the others' objects it would cache them too.
    // The load average right after each run, beside its figure: another engineer's job starting
    // mid-pair shows up here rather than as an unexplained ratio.
    const runLoads: Record<string, number> = {};
    const withKro = kro !== undefined && p < PEER_PAIRS;
    const kroResult = withKro ? await convergeRun(kro, cp, client, options) : undefined;
    if (withKro) runLoads.kro = loadAverage();
    let orkestraResult: ConvergeResult | undefined;
    let floorMs: number | undefined;
    const runOrkestra = async () => {
      orkestraResult = await convergeRun(orkestra, cp, client, options);
      runLoads.orkestra = loadAverage();
    };
    const runFloor = async () => {
      if (MEMORY_ONLY) return;
      await prepareFloor(client);
      floorMs = await floorRun(client, N, WORKERS);
      runLoads.floor = loadAverage();
    };
    // Alternate who goes first, so neither always meets the larger etcd.
    if (p % 2 === 0) {
      await runOrkestra();
      await runFloor();
    } else {
      await runFloor();
      await runOrkestra();
    }
    return { kroResult, orkestraResult: orkestraResult as ConvergeResult, floorMs, runLoads };
  });
  const line: string[] = [];
  if (pair.kroResult) {
    record(series.kro, pair.kroResult);
    line.push(`kro ${Math.round(pair.kroResult.convergeMs)} ms (load ${pair.runLoads.kro})`);
  }
  record(series.orkestra, pair.orkestraResult);
  line.push(`orkestra ${Math.round(pair.orkestraResult.convergeMs)} ms (load ${pair.runLoads.orkestra})`);
  if (pair.floorMs !== undefined) {
    floors.push(pair.floorMs);
    line.push(`floor ${Math.round(pair.floorMs)} ms (load ${pair.runLoads.floor})`);
  }
  loads.push(loadAverage());
  console.error(`pair ${p + 1}/${PAIRS}${p % 2 === 0 ? '' : ' (floor first)'}: ${line.join(', ')}`);
}

let crdToRunning: number[] = [];
if (!MEMORY_ONLY) {
  await onFreshControlPlane('latency', async (cp, client) => {
    series.orkestra.firstChild = await firstChildRun(orkestra, cp, client, LATENCY_KINDS, WORKERS);
    crdToRunning = await crdToRunningRun(orkestra, cp, client, 10, WORKERS);
    if (kro) series.kro.firstChild = await firstChildRun(kro, cp, client, LATENCY_KINDS, WORKERS);
  });
}
const rssWithBoxes = await boxesRss(orkestra, BOXES, katalogOptions);

const o = summarize(series.orkestra, floors);
const k = kro ? summarize(series.kro, floors) : undefined;
const results = {
  date: new Date().toISOString(),
  commit,
  loadAverage: { perPair: loads, median: percentile(loads, 50) },
  parameters: {
    n: N,
    runs: PAIRS,
    pairs: PAIRS,
    workers: WORKERS,
    steadySeconds: STEADY_S,
    boxes: BOXES,
    childrenPerCr: 3,
    events: EVENTS,
    peers: kro ? ['kro'] : [],
    peerPairs: kro ? PEER_PAIRS : 0,
  },
  converge: o.converge,
  firstChild: o.firstChild,
  crdToRunning: { p50Ms: percentile(crdToRunning, 50), p95Ms: percentile(crdToRunning, 95) },
  drift: o.drift,
  steady: o.steady,
  memory: { ...o.memory, rssWithBoxesMiB: rssWithBoxes / 2 ** 20 },
  flags: { orkestra: o.flags },
  peers: k ? { kro: { version: KRO_VERSION, ...k } } : {},
  durationS: (Date.now() - started) / 1000,
};

const md = [
  table({
    n: N,
    pairs: PAIRS,
    workers: WORKERS,
    boxes: BOXES,
    orkestra: o,
    peer: k ? { name: `kro ${KRO_VERSION}`, summary: k } : undefined,
    crdToRunning: results.crdToRunning,
    rssWithBoxesMiB: results.memory.rssWithBoxesMiB,
    memoryOnly: MEMORY_ONLY,
  }),
  '',
  `commit ${commit}; load average per pair ${loads.join(', ')}; bench took ${Math.round(results.durationS)} s`,
  `orkestra ${o.flags.join(' ')}`,
  ...(k ? [`kro ${k.flags.join(' ')}`] : []),
].join('\n');
console.log(md);
const dir = `${root}bench/results`;
await mkdir(dir, { recursive: true });
await writeFile(`${dir}/latest.json`, `${JSON.stringify(results, null, 2)}\n`);
await writeFile(`${dir}/latest.md`, `${md}\n`);
