// A pool of typed-hook worker threads for one box. Each call runs on an idle worker (or waits for
// one) under a timeout; a worker that overruns it is terminated, so a hook that loops forever
// costs its own box one worker for `timeout` and nothing else. The heap limit (resourceLimits)
// ends a hook that leaks the same way. A terminated worker is replaced on the next call.
import { Worker } from 'node:worker_threads';
import type { HookRequest } from './contract.ts';
import { HookError } from './hook-error.ts';
import type { FromWorker, ToWorker } from './worker-messages.ts';

const WORKER_URL = new URL('./typed-hook-worker.ts', import.meta.url);

/** Serves one read a hook makes through `ctx.cache`. */
export type ReadHandler = (op: 'get' | 'list', ref: Readonly<Record<string, string | undefined>>) => Promise<unknown>;

export interface PoolCall {
  /** The module's URL, versioned so that a changed file is imported anew. */
  readonly url: string;
  readonly fn: 'sync' | 'finalize';
  readonly request: HookRequest;
  readonly timeoutMs: number;
  readonly onRead: ReadHandler;
  /** Names the hook in messages. */
  readonly label: string;
}

export interface WorkerPool {
  /** The hook's raw answer (checked against the contract by the caller). */
  run(call: PoolCall): Promise<unknown>;
  /** Terminates every worker; calls in flight fail. */
  close(): Promise<void>;
  /** Live worker threads, for tests. */
  size(): number;
}

export function createWorkerPool(options: { readonly size: number; readonly maxHeapMb: number }): WorkerPool {
  const idle: Worker[] = [];
  const all = new Set<Worker>();
  const waiting: { resolve: (w: Worker) => void; reject: (err: Error) => void }[] = [];
  let closed = false;

  const spawn = () => {
    const w = new Worker(WORKER_URL, {
      resourceLimits: { maxOldGenerationSizeMb: options.maxHeapMb, maxYoungGenerationSizeMb: 16 },
      stdout: false,
      stderr: false,
    });
    w.unref();
    all.add(w);
    return w;
  };

  const acquire = (): Promise<Worker> => {
    const w = idle.pop();
    if (w) return Promise.resolve(w);
    if (all.size < options.size) return Promise.resolve(spawn());
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };

  const release = (w: Worker) => {
    const next = waiting.shift();
    if (next) next.resolve(w);
    else idle.push(w);
  };

  /** Drops a worker that ended or overran; a waiting call gets a fresh one. */
  const discard = (w: Worker) => {
    all.delete(w);
    void w.terminate();
    if (closed) return;
    const next = waiting.shift();
    if (next) next.resolve(spawn());
  };

  async function run(call: PoolCall): Promise<unknown> {
    if (closed) throw new HookError(`${call.label}: the hook pool is closed`, true, 'error');
    const w = await acquire();
    return new Promise<unknown>((resolve, reject) => {
      let done = false;
      const finish = (keep: boolean, fn: () => void) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        if (keep) release(w);
        else discard(w);
        fn();
      };
      const timer = setTimeout(
        () =>
          finish(false, () =>
            reject(
              new HookError(
                `${call.label}: ${call.fn} ran longer than its timeout of ${call.timeoutMs} ms; its worker was terminated`,
                true,
                'timeout',
              ),
            ),
          ),
        call.timeoutMs,
      );
      const onMessage = (m: FromWorker) => {
        if (m.type === 'read') {
          call.onRead(m.op, m.ref).then(
            (result) => w.postMessage({ type: 'readResult', readId: m.readId, result } satisfies ToWorker),
            (err: unknown) =>
              w.postMessage({
                type: 'readResult',
                readId: m.readId,
                error: err instanceof Error ? err.message : String(err),
              } satisfies ToWorker),
          );
        } else if (m.type === 'result') {
          finish(true, () => resolve(m.response));
        } else {
          finish(true, () => reject(new HookError(`${call.label}: ${call.fn} failed: ${m.message}`, true, 'error')));
        }
      };
      const onError = (err: Error & { code?: string }) => {
        const message =
          err.code === 'ERR_WORKER_OUT_OF_MEMORY'
            ? `${call.fn} exceeded its heap limit of ${options.maxHeapMb} MiB; its worker was terminated`
            : `${call.fn} crashed its worker: ${err.message}`;
        finish(false, () => reject(new HookError(`${call.label}: ${message}`, true, 'error')));
      };
      const onExit = (code: number) =>
        finish(false, () => reject(new HookError(`${call.label}: its worker exited (${code})`, true, 'error')));
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage({ type: 'call', url: call.url, fn: call.fn, request: call.request } satisfies ToWorker);
    });
  }

  return {
    run,
    size: () => all.size,
    async close() {
      closed = true;
      for (const w of waiting.splice(0)) w.reject(new HookError('the hook pool is closed', true, 'error'));
      const workers = [...all];
      all.clear();
      idle.length = 0;
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}
