// `make chaos`: fault injection against fresh local control planes (three, side by side: see
// ENVIRONMENTS), each scenario under load. Prints a table and writes e2e/chaos/results/latest.json and latest.md; exits 1
// when anything was orphaned, duplicated, lost, crashed, or a target was missed.
//
//   node e2e/chaos/run.ts [--websites 500] [--ops-per-second 10] [--runs-scale 1] [--stall 30] [--only a,b] [--sequential]
//                         [--logs DIR]
//
// --logs keeps every controller's JSON log, in DIR/env-N/replica-M.log, to trace a slow fault.
//
// --runs-scale 0.25 runs each scenario a quarter as often (at least once), for a quick look.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../../controller/box/duration.ts';
import { phasesTable, resultsTable } from './report.ts';
import { openEnvironment, runFaults, type Scale, type ScenarioResult } from './scenario.ts';
import { ENVIRONMENTS, SCENARIOS } from './scenarios/index.ts';

const { values } = parseArgs({
  options: {
    websites: { type: 'string', default: '500' },
    'ops-per-second': { type: 'string', default: '10' },
    'runs-scale': { type: 'string', default: '1' },
    stall: { type: 'string', default: '30' },
    'lease-duration': { type: 'string', default: '15s' },
    'renew-deadline': { type: 'string', default: '10s' },
    'retry-period': { type: 'string', default: '2s' },
    only: { type: 'string' },
    sequential: { type: 'boolean', default: false },
    logs: { type: 'string' },
  },
});

const scale: Scale = {
  websites: Number(values.websites),
  opsPerSecond: Number(values['ops-per-second']),
  stallMs: Number(values.stall) * 1000,
  lease: { lease: values['lease-duration'], renew: values['renew-deadline'], retry: values['retry-period'] },
  deadlineMs: 120_000,
  pollMs: 500,
};
const only = values.only?.split(',');
const unknown = only?.filter((name) => !SCENARIOS.some((s) => s.name === name)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown scenario ${unknown.join(', ')}: choose from ${SCENARIOS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const started = performance.now();
const results: ScenarioResult[] = [];
const setups: string[] = [];

/** One environment's scenarios, in order; its log lines carry the environment's number. */
async function runEnvironment(index: number): Promise<void> {
  const group = ENVIRONMENTS[index];
  const scenarios = group?.scenarios.filter((s) => !only || only.includes(s.name)) ?? [];
  if (!group || scenarios.length === 0) return;
  const log = (line: string) => console.error(`[${index + 1}] ${line}`);
  log(`${group.title}: a fresh control plane, ${scale.websites} Websites…`);
  const setupStarted = performance.now();
  const logDir = values.logs === undefined ? undefined : join(values.logs, `env-${index + 1}`);
  if (logDir) await mkdir(logDir, { recursive: true });
  const env = await openEnvironment(scale, { ...group.options, ...(logDir ? { logDir } : {}) }, (line) =>
    log(`  ${line}`),
  );
  setups.push(`${group.title}: setup ${((performance.now() - setupStarted) / 1000).toFixed(0)} s`);
  try {
    for (const scenario of scenarios) {
      const runs = Math.max(1, Math.round(scenario.runs * Number(values['runs-scale'])));
      log(`${scenario.name}: ${runs} run(s)…`);
      const result = await runFaults(env, scenario, runs, (line) => log(`  ${scenario.name} ${line}`));
      results.push(result);
      for (const p of result.problems) log(`  ${scenario.name}: ${p}`);
    }
  } finally {
    await env.close();
  }
}

// The environments run side by side unless --sequential: much of a fault is waiting (a stall, a
// lease expiring, a component starting), and one after the other they would not fit in 20 minutes.
if (values.sequential) for (const [i] of ENVIRONMENTS.entries()) await runEnvironment(i);
else await Promise.all(ENVIRONMENTS.map((_, i) => runEnvironment(i)));
results.sort((a, b) => SCENARIOS.findIndex((s) => s.name === a.name) - SCENARIOS.findIndex((s) => s.name === b.name));
const wallS = (performance.now() - started) / 1000;
const { lease, renew, retry } = scale.lease;
const takeoverLimitS = (parseDuration(lease) + 2 * parseDuration(retry)) / 1000;
const table = [
  resultsTable(results),
  `Leader election (leader-failover): lease duration ${lease}, renew deadline ${renew}, retry period ${retry}; takeover must be < one lease duration + two retry periods = ${takeoverLimitS} s, measured from the SIGKILL until the acquireTime the standby wrote into the Lease. Re-converge is measured from the end of the fault (a controller SIGKILL: the kill itself, so its start-up counts; otherwise the API server or the network back, the Lease taken over) until every Website is Ready with its exact, current children.`,
  phasesTable(results),
]
  .filter(Boolean)
  .join('\n\n');
const summary = `${setups.join('; ')}. ${results.length} scenarios, ${scale.websites} Websites × 3 children, ${scale.opsPerSecond} CR writes/s during each fault; total ${wallS.toFixed(0)} s on ${cpus().length} cores, load average ${loadavg()
  .map((l) => l.toFixed(1))
  .join(' ')}`;
console.log(`${table}\n\n${summary}`);

const dir = new URL('./results/', import.meta.url);
await mkdir(dir, { recursive: true });
await writeFile(
  new URL('latest.json', dir),
  `${JSON.stringify({ date: new Date().toISOString(), scale, wallSeconds: wallS, results }, null, 2)}\n`,
);
await writeFile(new URL('latest.md', dir), `# make chaos\n\n${table}\n\n${summary}\n`);
process.exit(results.some((r) => r.problems.length > 0) ? 1 : 0);
