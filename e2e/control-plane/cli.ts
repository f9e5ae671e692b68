// The local control plane from the shell:
//   node e2e/control-plane/cli.ts up|down [--state-dir .orkestra]   background cluster for `make cluster-up/down`
//   node e2e/control-plane/cli.ts exec -- CMD ARGS...                 a cluster for the lifetime of CMD (tests)
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serveUntilSignal, spawnSupervisor, stopSupervisor, waitFor } from './background.ts';
import { alive } from './component.ts';
import { startControlPlane } from './control-plane.ts';

interface ClusterState {
  readonly pid: number;
  readonly server: string;
  readonly kubeconfig: string;
  readonly components: Readonly<Record<string, number>>;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'state-dir': { type: 'string', default: '.orkestra' },
    'no-controller-manager': { type: 'boolean', default: false },
  },
});
const stateDir = resolve(values['state-dir'] ?? '.orkestra');
const statePath = resolve(stateDir, 'cluster.json');
const kubeconfigPath = resolve(stateDir, 'kubeconfig');
const controllerManager = !values['no-controller-manager'];

async function readState(): Promise<ClusterState | undefined> {
  if (!existsSync(statePath)) return undefined;
  return JSON.parse(await readFile(statePath, 'utf8')) as ClusterState;
}

/** Runs in the background as a process-group leader, so `down` can reach every process it started. */
async function serve(): Promise<void> {
  const cp = await startControlPlane({ controllerManager });
  await copyFile(cp.kubeconfigPath, kubeconfigPath);
  const state: ClusterState = {
    pid: process.pid,
    server: cp.server,
    kubeconfig: kubeconfigPath,
    components: Object.fromEntries(cp.components.map((c) => [c.name, c.pid])),
  };
  await writeFile(statePath, `${JSON.stringify(state, null, 2)}\n`);
  serveUntilSignal(async () => {
    await cp.stop();
    await rm(statePath, { force: true });
    await rm(kubeconfigPath, { force: true });
  });
}

async function up(): Promise<void> {
  const existing = await readState();
  if (existing && alive(existing.pid)) {
    console.log(`cluster already running at ${existing.server}; kubeconfig: ${existing.kubeconfig}`);
    return;
  }
  await mkdir(stateDir, { recursive: true });
  await rm(statePath, { force: true });
  const logPath = resolve(stateDir, 'cluster.log');
  const args = ['serve', '--state-dir', stateDir];
  if (!controllerManager) args.push('--no-controller-manager');
  const pid = spawnSupervisor(fileURLToPath(import.meta.url), args, logPath);
  // The first run builds the binaries (tens of minutes); later runs start in seconds.
  const ready = await waitFor(async () => existsSync(statePath) || !alive(pid), 90 * 60_000);
  const state = await readState();
  if (!ready || !state) {
    console.error(`cluster failed to start; see ${logPath}:\n${await readFile(logPath, 'utf8')}`);
    process.exit(1);
  }
  console.log(`cluster running at ${state.server}\n  export KUBECONFIG=${state.kubeconfig}`);
}

async function down(): Promise<void> {
  const state = await readState();
  if (!state) {
    console.log('no cluster running');
    return;
  }
  await stopSupervisor(state.pid, Object.values(state.components), 30_000);
  await rm(statePath, { force: true });
  await rm(kubeconfigPath, { force: true });
  console.log('cluster stopped');
}

/** Starts a control plane, runs the command with KUBECONFIG pointing at it, always tears down. */
async function exec(command: readonly string[]): Promise<void> {
  const [cmd, ...args] = command;
  if (!cmd) throw new Error('exec needs a command after --');
  const started = Date.now();
  const cp = await startControlPlane({ controllerManager });
  console.error(`control plane ready in ${Date.now() - started} ms at ${cp.server}`);
  let code = 1;
  try {
    const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, KUBECONFIG: cp.kubeconfigPath } });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    code = await new Promise<number>((res) => child.on('close', (c, signal) => res(c ?? (signal ? 1 : 0))));
  } finally {
    await cp.stop();
  }
  process.exit(code);
}

const [verb, ...rest] = positionals;
switch (verb) {
  case 'up':
    await up();
    break;
  case 'down':
    await down();
    break;
  case 'serve':
    await serve();
    break;
  case 'exec':
    await exec(rest);
    break;
  default:
    console.error('usage: cli.ts up|down|exec -- CMD... [--state-dir DIR] [--no-controller-manager]');
    process.exit(2);
}
