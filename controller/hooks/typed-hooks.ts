// Typed (TypeScript) hooks of every box: one worker pool per box, sized to the box's workers, so
// a hook that hangs holds up only its own box. The module is looked up on each call, which is
// what reloads an edited file.

import type { TypedHookConfig } from './compiled-hook.ts';
import { checkResponse, type HookRequest, type HookResponse } from './contract.ts';
import { HookError } from './hook-error.ts';
import { hookModuleUrl } from './hook-module.ts';
import { createWorkerPool, type ReadHandler, type WorkerPool } from './worker-pool.ts';

export interface TypedHookCall {
  /** Calls with the same key share a worker pool (one per box reconciler). */
  readonly poolKey: string;
  readonly hook: TypedHookConfig;
  /** Worker threads for this box (its reconcile workers). */
  readonly workers: number;
  readonly fn: 'sync' | 'finalize';
  readonly request: HookRequest;
  readonly onRead: ReadHandler;
}

export interface TypedHooks {
  call(call: TypedHookCall): Promise<HookResponse>;
  /** Ends the worker threads of one pool (its box stopped or was reconfigured). */
  closePool(poolKey: string): Promise<void>;
  close(): Promise<void>;
}

export function createTypedHooks(hooksDir: string | undefined): TypedHooks {
  const pools = new Map<string, { pool: WorkerPool; shape: string }>();

  const poolFor = (poolKey: string, workers: number, maxHeapMb: number): WorkerPool => {
    const shape = `${workers}/${maxHeapMb}`;
    const held = pools.get(poolKey);
    if (held?.shape === shape) return held.pool;
    if (held) void held.pool.close();
    const pool = createWorkerPool({ size: workers, maxHeapMb });
    pools.set(poolKey, { pool, shape });
    return pool;
  };

  return {
    async call(c) {
      const label = `hook module ${c.hook.module}`;
      const url = hookModuleUrl(hooksDir, c.hook.module);
      const raw = await poolFor(c.poolKey, c.workers, c.hook.maxHeapMb).run({
        url,
        fn: c.fn,
        request: c.request,
        timeoutMs: c.hook.timeoutMs,
        onRead: c.onRead,
        label,
      });
      const checked = checkResponse(raw ?? {});
      if ('invalid' in checked) throw new HookError(`${label}: ${checked.invalid}`, false, 'invalid');
      return checked.response;
    },
    async closePool(poolKey) {
      const held = pools.get(poolKey);
      pools.delete(poolKey);
      await held?.pool.close();
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((p) => p.pool.close()));
    },
  };
}
