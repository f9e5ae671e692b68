// The body of one typed-hook worker thread. It imports hook modules (a changed file comes with a
// new version in its URL, so the new code is imported fresh), calls sync or finalize, and answers
// with the response. Reads through `ctx.cache` go to the main thread, which serves them from its
// caches: a hook has no Kubernetes client and no credentials.
import { registerHooks } from 'node:module';
import { parentPort } from 'node:worker_threads';
import type { HookRequest } from './contract.ts';
import type { CacheReader, HookContext, HookDefinition } from './define.ts';
import type { FromWorker, ToWorker } from './worker-messages.ts';

const port = parentPort;
if (!port) throw new Error('typed-hook-worker.ts runs only as a worker thread');

// Hook modules live outside this package (--hooks-dir), where `orkestra/hooks` cannot resolve.
const DEFINE_URL = new URL('./define.ts', import.meta.url).href;
registerHooks({
  resolve: (specifier, context, nextResolve) =>
    specifier === 'orkestra/hooks' ? { url: DEFINE_URL, shortCircuit: true } : nextResolve(specifier, context),
});

const pendingReads = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let nextRead = 0;
const send = (m: FromWorker) => port.postMessage(m);

function read(op: 'get' | 'list', ref: Record<string, string | undefined>): Promise<unknown> {
  const readId = nextRead++;
  return new Promise((resolve, reject) => {
    pendingReads.set(readId, { resolve, reject });
    send({ type: 'read', readId, op, ref });
  });
}

const cache: CacheReader = {
  get: (ref) => read('get', ref) as ReturnType<CacheReader['get']>,
  list: (ref) => read('list', ref) as ReturnType<CacheReader['list']>,
};

async function call(url: string, fn: 'sync' | 'finalize', request: HookRequest): Promise<unknown> {
  const mod = (await import(url)) as { default?: HookDefinition };
  const hook = mod.default;
  if (!hook || typeof hook.sync !== 'function') {
    throw new Error('the module does not default-export a hook (export default defineHook({ sync(ctx) { … } }))');
  }
  // The parent's spec is typed by the hook's author; the custom resource's schema is what holds it to that.
  const ctx: HookContext = { ...request, parent: request.parent as HookContext['parent'], cache };
  if (fn === 'finalize') return hook.finalize ? hook.finalize(ctx) : { finalized: true };
  return hook.sync(ctx);
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'readResult') {
    const p = pendingReads.get(m.readId);
    pendingReads.delete(m.readId);
    if (m.error !== undefined) p?.reject(new Error(m.error));
    else p?.resolve(m.result);
    return;
  }
  call(m.url, m.fn, m.request).then(
    (response) => send({ type: 'result', response }),
    (err: unknown) => send({ type: 'error', message: err instanceof Error ? err.message : String(err) }),
  );
});
