// The local OCI registry from the shell, for `make registry-up` / `make registry-down`:
//   node e2e/registry/cli.ts up [--state-dir .orkestra]   plain-HTTP registry in the background;
//                                                         writes its host:port to STATE_DIR/registry
//   node e2e/registry/cli.ts down [--state-dir .orkestra] stops it and removes its storage
import { spawn } from 'node:child_process';
import { existsSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
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

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
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
  const shutdown = async () => {
    await registry.close();
    await removeState();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
  setInterval(() => {}, 1 << 30);
}

async function up(): Promise<void> {
  const existing = await readState();
  if (existing && alive(existing.pid)) {
    console.log(`registry already running at ${existing.host}`);
    return;
  }
  await mkdir(stateDir, { recursive: true });
  await removeState();
  const log = openSync(logPath, 'w');
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), 'serve', '--state-dir', stateDir], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  child.unref();
  const pid = child.pid ?? 0;
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
  if (alive(state.pid)) process.kill(state.pid, 'SIGTERM');
  const stopped = await waitFor(() => !alive(state.pid), 15_000);
  const leftovers = [state.pid, state.registryPid ?? 0].filter((p) => p > 0 && alive(p));
  if (!stopped || leftovers.length > 0) {
    try {
      process.kill(-state.pid, 'SIGKILL');
    } catch {
      for (const pid of leftovers) process.kill(pid, 'SIGKILL');
    }
  }
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
