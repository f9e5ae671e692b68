// The local OCI registry from the shell, for `make registry-up` / `make registry-down`:
//   node e2e/registry/cli.ts up [--state-dir .orkestra]   plain-HTTP registry in the background;
//                                                         writes its host:port to STATE_DIR/registry
//   node e2e/registry/cli.ts down [--state-dir .orkestra] stops it and removes its storage
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { serveUntilSignal, spawnSupervisor, stopSupervisor, waitFor } from '../control-plane/background.ts';
import { alive } from '../control-plane/component.ts';
import { startRegistry } from './registry.ts';

interface RegistryState {
  readonly pid: number;
  readonly host: string;
  readonly registryPid: number | undefined;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'state-dir': { type: 'string', default: '.orkestra' } },
});
const stateDir = resolve(values['state-dir'] ?? '.orkestra');
const hostFile = resolve(stateDir, 'registry');
const statePath = resolve(stateDir, 'registry.json');
const dataDir = resolve(stateDir, 'registry-data');
const logPath = resolve(stateDir, 'registry.log');

async function readState(): Promise<RegistryState | undefined> {
  if (!existsSync(statePath)) return undefined;
  return JSON.parse(await readFile(statePath, 'utf8')) as RegistryState;
}

async function removeState(): Promise<void> {
  for (const path of [statePath, hostFile, dataDir]) await rm(path, { recursive: true, force: true });
}

/** Runs in the background as a process-group leader, so `down` reaches the registry too. */
async function serve(): Promise<void> {
  const registry = await startRegistry({ dir: dataDir });
  const state: RegistryState = { pid: process.pid, host: registry.host, registryPid: registry.pid() };
  await writeFile(statePath, `${JSON.stringify(state, null, 2)}\n`);
  await writeFile(hostFile, `${registry.host}\n`);
  serveUntilSignal(async () => {
    await registry.close();
    await removeState();
  });
}

async function up(): Promise<void> {
  const existing = await readState();
  if (existing && alive(existing.pid)) {
    console.log(`registry already running at ${existing.host}`);
    return;
  }
  await mkdir(stateDir, { recursive: true });
  await removeState();
  const pid = spawnSupervisor(fileURLToPath(import.meta.url), ['serve', '--state-dir', stateDir], logPath);
  // The first run builds the registry from the Go module proxy (a few minutes).
  await waitFor(() => existsSync(hostFile) || !alive(pid), 30 * 60_000);
  const state = await readState();
  if (!state || !existsSync(hostFile)) {
    console.error(`registry failed to start; see ${logPath}:\n${await readFile(logPath, 'utf8')}`);
    process.exit(1);
  }
  console.log(`registry running at ${state.host} (plain HTTP); written to ${hostFile}`);
}

async function down(): Promise<void> {
  const state = await readState();
  if (!state) {
    await removeState();
    console.log('no registry running');
    return;
  }
  await stopSupervisor(state.pid, state.registryPid ? [state.registryPid] : [], 15_000);
  await removeState();
  await rm(logPath, { force: true });
  console.log('registry stopped');
}

const [verb] = positionals;
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
  default:
    console.error('usage: cli.ts up|down [--state-dir DIR]');
    process.exit(2);
}
