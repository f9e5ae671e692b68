import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** One control-plane process (etcd, kube-apiserver, kube-controller-manager) and its log file. */
export interface Component {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Set once the process has exited, with its exit code or signal. */
  exited(): string | undefined;
  /** The last lines of the log, for error messages. */
  logTail(lines?: number): Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

export function startComponent(
  name: string,
  binary: string,
  args: readonly string[],
  logFile: string,
  env?: Readonly<Record<string, string>>,
): Component {
  const log = createWriteStream(logFile, { flags: 'a' });
  const child: ChildProcess = spawn(binary, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: env ? { ...process.env, ...env } : undefined,
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exit: string | undefined;
  const closed = once(child, 'close').then(() => undefined);
  child.on('exit', (code, signal) => {
    exit = signal ? `signal ${signal}` : `exit code ${code}`;
  });
  child.on('error', (err) => {
    exit = `spawn failed: ${err.message}`;
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${binary}`);
  const pid = child.pid;

  return {
    name,
    pid,
    logFile,
    exited: () => exit,
    async logTail(lines = 20) {
      const text = await readFile(logFile, 'utf8').catch(() => '');
      return text.trimEnd().split('\n').slice(-lines).join('\n');
    },
    async stop(graceMs = 10_000) {
      if (exit === undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await closed;
        clearTimeout(timer);
      }
      log.end();
    },
  };
}

/**
 * Polls `probe` until it returns `true`, failing early when `component` exits and at `timeoutMs`.
 * `probe` returns a string describing why it is not ready yet, which ends up in the error.
 */
export async function waitUntilReady(
  component: Component,
  probe: () => Promise<true | string>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'not probed yet';
  while (Date.now() < deadline) {
    const exit = component.exited();
    if (exit) {
      throw new Error(`${component.name} ${exit} before becoming ready:\n${await component.logTail()}`);
    }
    try {
      const result = await probe();
      if (result === true) return;
      last = result;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${component.name} not ready within ${timeoutMs} ms (${last}):\n${await component.logTail()}`);
}

/** Whether a process with this pid exists (signal 0 probes without signalling). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
