// `orkestra run` as a real process the suite can SIGKILL and start again. It tells apart the
// exits the suite caused from the ones it did not (crashes: the process is started again so the
// scenario goes on, and the crash is counted), and sums the controller's own count of API
// requests over every process it ran (each scraped every second while it lives, so a killed
// process loses at most its last second). Each start is traced from the controller's own log
// timestamps: when it served /metrics (Node start, module loading, credentials, the API server
// check), when it led (with --leader-elect), when its root controller started and when the box
// had listed its custom resources (phase Running).
import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const orkestra = fileURLToPath(new URL('../../bin/orkestra', import.meta.url));

export interface ControllerOptions {
  readonly kubeconfig: string;
  readonly identity: string;
  /** `--leader-elect` with these durations, e.g. { lease: '15s', renew: '10s', retry: '2s' }. */
  readonly leaderElect?: { readonly lease: string; readonly renew: string; readonly retry: string };
  /** Appends every log line of every start of this controller to this file (`run.ts --logs`). */
  readonly logFile?: string;
}

/** One process start, in performance.now() time (from the `ts` of the controller's log lines). */
export interface StartTrace {
  readonly spawnedAt: number;
  listeningAt?: number;
  leadingAt?: number;
  rootStartedAt?: number;
  /** The first box phase Running: its custom resources listed and watched. */
  runningAt?: number;
}

/** Counters summed over every process (scraped from /metrics). */
export interface ControllerCounters {
  /** API requests, all verbs (rest_client_requests_total). */
  readonly requests: number;
  /** Child applies by result (orkestra_apply_total): created, updated, skipped, … */
  readonly applies: Readonly<Record<string, number>>;
}

export interface ChaosController {
  readonly identity: string;
  /** Spawns the process (again); resolves once it serves /metrics. */
  start(): Promise<void>;
  /** SIGKILL, counted as caused by the suite; resolves once the process is gone. */
  kill(): Promise<void>;
  /** SIGTERM and wait; no restart. */
  stop(): Promise<void>;
  /** Exits the suite did not cause (each followed by a restart). */
  crashes(): readonly string[];
  /** API requests over every process so far (rest_client_requests_total, all verbs). */
  requests(): number;
  /** Requests and child applies over every process so far. */
  counters(): ControllerCounters;
  /** Every start so far, the last one last. */
  starts(): readonly StartTrace[];
  /** How many log lines had this `msg`, over every process. */
  logged(msg: string): number;
  /** The last log lines, for failure messages. */
  tail(): string;
}

export function chaosController(options: ControllerOptions): ChaosController {
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let expectingExit = false;
  let stopped = false;
  const finished = new Map<string, number>();
  let current = new Map<string, number>();
  const traces: StartTrace[] = [];
  let scraper: ReturnType<typeof setInterval> | undefined;
  const crashes: string[] = [];
  const counts = new Map<string, number>();
  const recent: string[] = [];

  const args = [
    'run',
    '--kubeconfig',
    options.kubeconfig,
    '--listen',
    '127.0.0.1:0',
    '--no-webhooks',
    '--ui=false',
    '--identity',
    options.identity,
  ];
  if (options.leaderElect) {
    const { lease, renew, retry } = options.leaderElect;
    args.push('--leader-elect', '--lease-duration', lease, '--renew-deadline', renew, '--retry-period', retry);
  }

  const scrape = async (url: string) => {
    try {
      const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(2_000) })).text();
      const sums = new Map<string, number>();
      for (const line of text.split('\n')) {
        const key = line.startsWith('rest_client_requests_total{')
          ? 'requests'
          : line.startsWith('orkestra_apply_total{')
            ? /result="([^"]*)"/.exec(line)?.[1]
            : undefined;
        if (key) sums.set(key, (sums.get(key) ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1)));
      }
      current = sums;
    } catch {
      // Busy or being killed: the next scrape catches up.
    }
  };

  const total = (key: string) => (finished.get(key) ?? 0) + (current.get(key) ?? 0);

  const start = (): Promise<void> => {
    expectingExit = false;
    current = new Map();
    const trace: StartTrace = { spawnedAt: performance.now() };
    traces.push(trace);
    const proc = spawn(orkestra, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    let listening: (url: string) => void = () => {};
    const address = new Promise<string>((resolve) => {
      listening = resolve;
    });
    let buffered = '';
    proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      if (options.logFile && lines.length > 0) appendFileSync(options.logFile, `${lines.join('\n')}\n`);
      for (const line of lines) {
        recent.push(line);
        if (recent.length > 40) recent.shift();
        let msg = line;
        let entry: { msg?: string; address?: string; ts?: string; phase?: string } = {};
        try {
          entry = JSON.parse(line) as typeof entry;
          msg = entry.msg ?? line;
        } catch {}
        counts.set(msg, (counts.get(msg) ?? 0) + 1);
        traceLine(trace, msg, entry);
        if (msg === 'serving health, metrics and API' && entry.address) listening(`http://${entry.address}`);
      }
    });
    exited = new Promise<void>((resolve) => {
      proc.once('exit', (code, signal) => {
        if (scraper) clearInterval(scraper);
        for (const [key, n] of current) finished.set(key, (finished.get(key) ?? 0) + n);
        current = new Map();
        resolve();
        if (expectingExit || stopped) return;
        crashes.push(`${options.identity} exited (${signal ?? `code ${code}`}): ${recent.slice(-3).join(' | ')}`);
        void start();
      });
    });
    const gone = exited.then(() => {
      throw new Error(`${options.identity} exited before serving /metrics:\n${[...recent, buffered].join('\n')}`);
    });
    return Promise.race([address, gone]).then((url) => {
      scraper = setInterval(() => void scrape(url), 1_000);
    });
  };

  return {
    identity: options.identity,
    start,
    async kill() {
      expectingExit = true;
      child?.kill('SIGKILL');
      await exited;
    },
    async stop() {
      stopped = true;
      expectingExit = true;
      child?.kill('SIGTERM');
      await exited;
    },
    crashes: () => crashes,
    requests: () => total('requests'),
    counters() {
      const applies: Record<string, number> = {};
      for (const key of new Set([...finished.keys(), ...current.keys()]))
        if (key !== 'requests') applies[key] = total(key);
      return { requests: total('requests'), applies };
    },
    starts: () => traces,
    logged: (msg) => counts.get(msg) ?? 0,
    tail: () => recent.join('\n'),
  };
}

/** Notes the first time a start reached each phase, at the controller's own timestamp. */
function traceLine(trace: StartTrace, msg: string, entry: { ts?: string; phase?: string }): void {
  const at = entry.ts ? Date.parse(entry.ts) - performance.timeOrigin : performance.now();
  if (msg === 'serving health, metrics and API') trace.listeningAt ??= at;
  else if (msg === 'acquired lease, started leading') trace.leadingAt ??= at;
  else if (msg === 'root controller started') trace.rootStartedAt ??= at;
  else if (msg === 'box phase changed' && entry.phase === 'Running') trace.runningAt ??= at;
}
