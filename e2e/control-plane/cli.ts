// The local control plane from the shell:
//   node e2e/control-plane/cli.ts up|down [--state-dir .orkestra]   background cluster for `make cluster-up/down`
//   node e2e/control-plane/cli.ts exec -- CMD ARGS...                 a cluster for the lifetime of CMD (tests)
//   node e2e/control-plane/cli.ts restart apiserver|etcd [--state-dir .orkestra]
//                                  stop one component of the background cluster and start it again
//                                  on the same port and data directory (fault injection)
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serveUntilSignal, spawnSupervisor, stopSupervisor, waitFor } from './background.ts';
import { alive } from './component.ts';
import { type RestartableComponent, startControlPlane } from './control-plane.ts';

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

const RESTART_SIGNALS: readonly (readonly [NodeJS.Signals, RestartableComponent])[] = [
  ['SIGUSR1', 'apiserver'],
  ['SIGUSR2', 'etcd'],
];
const COMPONENT_NAMES: Readonly<Record<RestartableComponent, string>> = { apiserver: 'kube-apiserver', etcd: 'etcd' };

async function readState(): Promise<ClusterState | undefined> {
  if (!existsSync(statePath)) return undefined;
  return JSON.parse(await readFile(statePath, 'utf8')) as ClusterState;
}

/** Runs in the background as a process-group leader, so `down` can reach every process it started. */
async function serve(): Promise<void> {
  const cp = await startControlPlane({ controllerManager });
  await copyFile(cp.kubeconfigPath, kubeconfigPath);
  const writeState = async () => {
    const state: ClusterState = {
      pid: process.pid,
      server: cp.server,
      kubeconfig: kubeconfigPath,
      components: Object.fromEntries(cp.components.map((c) => [c.name, c.pid])),
    };
    await writeFile(statePath, `${JSON.stringify(state, null, 2)}\n`);
  };
  await writeState();
  // `restart` asks by signal; the new pid in the state file tells it the component is back.
  for (const [signal, component] of RESTART_SIGNALS) {
    process.on(signal, () => {
      cp.restart(component).then(writeState, (err: unknown) => console.error(`restart ${component}: ${err}`));
    });
  }
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

async function restart(component: string | undefined): Promise<void> {
  const entry = RESTART_SIGNALS.find(([, c]) => c === component);
  if (!entry) {
    console.error('usage: cli.ts restart apiserver|etcd [--state-dir DIR]');
    process.exit(2);
  }
  const [signal, which] = entry;
  const state = await readState();
  if (!state || !alive(state.pid)) {
    console.error('no cluster running: start one with `make cluster-up`');
    process.exit(1);
  }
  const name = COMPONENT_NAMES[which];
  const before = state.components[name];
  const started = Date.now();
  process.kill(state.pid, signal);
  const back = await waitFor(async () => {
    const now = await readState();
    const pid = now?.components[name];
    return pid !== undefined && pid !== before && alive(pid);
  }, 120_000);
  if (!back) {
    console.error(`${name} did not come back within 120 s; see ${resolve(stateDir, 'cluster.log')}`);
    process.exit(1);
  }
  console.log(`${name} restarted in ${Date.now() - started} ms`);
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
  case 'restart':
    await restart(rest[0]);
    break;
  default:
    console.error(
      'usage: cli.ts up|down|restart apiserver|etcd|exec -- CMD... [--state-dir DIR] [--no-controller-manager]',
    );
    process.exit(2);
}
