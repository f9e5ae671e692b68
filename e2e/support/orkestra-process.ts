// `orkestra run` as a child process for suites that look at it from outside: its JSON log lines,
// its HTTP address, its resident memory and its own count of API requests (/metrics).
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { testKubeconfig } from './kubectl.ts';
import { eventually } from './wait.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface OrkestraProcess {
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[];
  /** http://host:port of the health, metrics and Control Center server, once it listens. */
  /** Waits (20 s unless told; module loading is slower on a loaded machine) for the listen line. */
  baseUrl(timeoutMs?: number): Promise<string>;
  /** Resident set size now, in bytes (Linux). */
  rss(): number;
  /** Requests the controller made to the API server with this method (WATCH counted apart). */
  apiRequests(method: string): Promise<number>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Default: the test control plane's. */
  readonly kubeconfig?: string;
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
}

export function startOrkestra(args: readonly string[], options: StartOptions = {}): OrkestraProcess {
  const kubeconfig = options.kubeconfig ?? testKubeconfig();
  const child = spawn(`${root}bin/orkestra`, ['run', '--kubeconfig', kubeconfig, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  const lines: Record<string, unknown>[] = [];
  let buffered = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) {
      try {
        lines.push(JSON.parse(line));
      } catch {
        lines.push({ msg: line, unparsed: true });
      }
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = async (timeoutMs = 20_000) => {
    const address = await eventually(
      'orkestra to listen',
      () => lines.find((l) => l.msg === 'serving health, metrics and API')?.address as string | undefined,
      timeoutMs,
    );
    return `http://${address}`;
  };
  return {
    child,
    lines,
    baseUrl,
    rss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
      if (!kb) throw new Error(`no VmRSS for pid ${child.pid}`);
      return Number(kb) * 1024;
    },
    async apiRequests(method) {
      const text = await (await fetch(`${await baseUrl()}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        if (line.startsWith('rest_client_requests_total{') && line.includes(`method="${method}"`)) {
          sum += Number(line.slice(line.lastIndexOf(' ') + 1));
        }
      }
      return sum;
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
