// What `make cluster-up/down` and `make registry-up/down` share: a supervisor process started
// detached (a process-group leader, so `down` reaches everything it started), kept alive until a
// signal, and stopped with SIGTERM, then SIGKILL for the whole group if anything survived.
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { alive } from './component.ts';

export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** Starts `node script args…` detached with its output in `logPath`; returns its pid. */
export function spawnSupervisor(script: string, args: readonly string[], logPath: string): number {
  const log = openSync(logPath, 'w');
  const child = spawn(process.execPath, [script, ...args], { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  return child.pid ?? 0;
}

/** In the supervisor: runs `shutdown` on SIGTERM or SIGINT and keeps the event loop alive until then. */
export function serveUntilSignal(shutdown: () => Promise<void>): void {
  const stop = async () => {
    await shutdown();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());
  setInterval(() => {}, 1 << 30);
}

/** SIGTERM to the supervisor; whatever survives `graceMs` (children included) goes with the process group. */
export async function stopSupervisor(pid: number, children: readonly number[], graceMs: number): Promise<void> {
  if (alive(pid)) process.kill(pid, 'SIGTERM');
  const stopped = await waitFor(() => !alive(pid), graceMs);
  const leftovers = [pid, ...children].filter((p) => p > 0 && alive(p));
  if (!stopped || leftovers.length > 0) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      for (const p of leftovers) process.kill(p, 'SIGKILL');
    }
  }
}
