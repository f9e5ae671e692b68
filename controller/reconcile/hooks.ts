// The hook stage: asks the box's hook (typed or remote, one contract) what it wants beyond the
// templates, and merges its answer in. Templates run first and the hook sees their output, unless
// runHooksFirst. A failing hook halts the reconcile like any other stage that cannot decide:
// Ready=False naming the hook, children left as they are, retried with the box's backoff unless
// retrying cannot help (then Stalled).
import type { CompiledBox } from '../box/compiled-box.ts';
import type { ReconcileResult } from '../box/reconciler.ts';
import { cacheReader } from '../hooks/cache-reader.ts';
import type { CompiledHook, RemoteHookConfig } from '../hooks/compiled-hook.ts';
import { type HookRequest, type HookResponse, observedChildren, requeueAfterMs } from '../hooks/contract.ts';
import { HookError } from '../hooks/hook-error.ts';
import { postHook } from '../hooks/http-hook.ts';
import type { TypedHooks } from '../hooks/typed-hooks.ts';
import { type ApiClient, resourcePath } from '../kube/api-client.ts';
import { withAppliedHash } from '../kube/apply.ts';
import type { KubeObject } from '../kube/object.ts';
import { errorField } from '../observe/log.ts';
import { compileGate } from '../render/condition/index.ts';
import type { TemplateData } from '../render/template/index.ts';
import { compileValue } from '../render/template/index.ts';
import type { ChildWatchMap } from './child-watch-set.ts';
import { crStatus } from './cr-status.ts';
import { Halt } from './halt.ts';
import { FINALIZER, type Owner, stampOwnership } from './ownership.ts';
import type { DesiredChild } from './render.ts';
import { storedForm } from './stored-form.ts';

/** What the controller lends hooks: the typed-hook pools and the hook metrics. */
export interface HookRuntime {
  readonly typed?: TypedHooks;
  /** Counts and times one call (orkestra_hook_requests_total, orkestra_hook_duration_seconds). */
  readonly observe?: (box: string, code: string, seconds: number) => void;
}

export interface HookStageDeps {
  readonly boxId: string;
  readonly compiled: Pick<CompiledBox, 'name' | 'hook' | 'conditionsEnabled'>;
  /** The box's reconcile workers: the size of its typed-hook pool. */
  readonly workers: number;
  readonly client: ApiClient;
  readonly runtime: HookRuntime | undefined;
}

export interface HookCall {
  readonly owner: Owner;
  /** The custom resource after mutation. */
  readonly parent: KubeObject;
  readonly data: TemplateData;
  readonly observed: readonly KubeObject[];
  readonly rendered: readonly DesiredChild[];
  readonly w: ChildWatchMap;
  readonly signal: AbortSignal;
}

export interface HookResult {
  /** The hook's children, stamped and ready to apply. */
  readonly children: readonly DesiredChild[];
  readonly status: Record<string, unknown>;
  readonly requeueAfterMs: number | undefined;
  readonly finalized: boolean;
}

/** How soon a deletion the hook holds is asked again, unless the hook says. */
const FINALIZE_POLL_MS = 1000;

// Hook children are applied as onReconcile custom entries that take ownership (reconcile: true).
const HOOK_TEMPLATE = {
  set: 'onReconcile',
  kindKey: 'custom',
  reconcile: true,
  explicitNamespace: false,
  forEach: undefined,
  gate: compileGate({}, 'hook'),
  gateSource: {},
  body: compileValue({}, 'hook'),
} as const;

async function secretValue(client: ApiClient, auth: NonNullable<RemoteHookConfig['auth']>): Promise<string> {
  const what = `Secret ${auth.namespace}/${auth.name}`;
  let secret: { data?: Record<string, string> };
  try {
    // Read on every call, so a rotated value is used at once.
    secret = await client.request({
      method: 'GET',
      path: resourcePath({ group: '', version: 'v1', plural: 'secrets', namespaced: true }, auth.namespace, auth.name),
    });
  } catch (err) {
    throw new HookError(`hook auth: cannot read ${what}: ${errorField(err)}`, true, 'auth');
  }
  const value = secret.data?.[auth.key];
  if (value === undefined) throw new HookError(`hook auth: ${what} has no key ${auth.key}`, true, 'auth');
  return Buffer.from(value, 'base64').toString('utf8').trim();
}

/** Merges the hook's children into the templates': a hook child replaces a template's only with `override`. */
export function mergeChildren(
  rendered: readonly DesiredChild[],
  fromHook: readonly DesiredChild[],
  override: boolean,
): DesiredChild[] {
  const key = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
  const byKey = new Map(rendered.map((d) => [key(d.object), d]));
  for (const h of fromHook) {
    const k = key(h.object);
    if (!byKey.has(k) || override) byKey.set(k, h);
  }
  return [...byKey.values()];
}

function hookName(hook: CompiledHook): string {
  return hook.type === 'typed' ? `hook module ${hook.module}` : `remote hook`;
}

let stages = 0;

export function hookStage(deps: HookStageDeps) {
  const { compiled, runtime } = deps;
  const hook = compiled.hook;
  // Each reconciler gets its own worker pool: a Katalog edit swaps in fresh workers while the
  // old reconciler's close ends its own.
  const poolKey = `${deps.boxId}#${++stages}`;

  function stampChildren(response: HookResponse, call: HookCall): DesiredChild[] {
    return (response.children ?? []).map((child, i) => {
      const entry = call.w.get(`${child.apiVersion}/${child.kind}`);
      if (!entry) {
        throw new Halt({
          reason: 'HookFailed',
          message: `${hook ? hookName(hook) : 'hook'}: children[${i}] is a ${child.kind} ${child.apiVersion}, a kind the box does not declare; add it to operatorBox.reconcile.managedResources`,
          stalled: true,
        });
      }
      const object = withAppliedHash(stampOwnership(storedForm(child), call.owner, entry.resource.namespaced));
      return {
        template: {
          ...HOOK_TEMPLATE,
          where: `${hook?.where}: children[${i}]`,
          apiVersion: child.apiVersion,
          kind: child.kind,
        },
        resource: entry.resource,
        object,
      };
    });
  }

  async function ask(hook: CompiledHook, call: HookCall, finalizing: boolean): Promise<HookResponse> {
    let args: Record<string, unknown>;
    let endpoint = '';
    try {
      args = hook.args.render(call.data) as Record<string, unknown>;
      if (hook.type === 'remote') endpoint = String(hook.endpoint.render(call.data));
    } catch (err) {
      throw new Halt({ reason: 'RenderFailed', message: errorField(err), stalled: true });
    }
    const request: HookRequest = {
      parent: call.parent,
      children: observedChildren(
        call.parent.metadata.namespace,
        [...call.w.values()].map((e) => e.kind),
        call.observed,
      ),
      rendered: call.rendered.map((d) => d.object),
      args,
      finalizing,
      related: {},
    };
    const started = performance.now();
    let code = '200';
    try {
      if (hook.type === 'remote') {
        const headers = hook.auth ? { [hook.auth.header]: await secretValue(deps.client, hook.auth) } : undefined;
        return await postHook({
          url: endpoint,
          request,
          timeoutMs: hook.timeoutMs,
          ca: hook.ca,
          headers,
          signal: call.signal,
        });
      }
      if (!runtime?.typed) {
        throw new HookError(`${hookName(hook)}: this controller runs no typed hooks`, false, 'error');
      }
      return await runtime.typed.call({
        poolKey,
        hook,
        workers: deps.workers,
        fn: finalizing ? 'finalize' : 'sync',
        request,
        onRead: cacheReader(call.w),
      });
    } catch (err) {
      if (!(err instanceof HookError)) throw err;
      code = err.code;
      throw new Halt({
        reason: 'HookFailed',
        message: err.retryable ? `${err.message}; retrying` : err.message,
        stalled: !err.retryable,
      });
    } finally {
      runtime?.observe?.(deps.boxId, code, (performance.now() - started) / 1000);
    }
  }

  return {
    /** Whether the hook runs before the templates. */
    first: hook?.runHooksFirst === true,
    /** The hook's answer for this cycle; undefined when the box has no hook. */
    async sync(call: HookCall): Promise<HookResult | undefined> {
      if (!hook) return undefined;
      const response = await ask(hook, call, false);
      return {
        children: stampChildren(response, call),
        status: response.status ?? {},
        requeueAfterMs: requeueAfterMs(response),
        finalized: true,
      };
    },
    /**
     * The deletion path: whether the hook lets the deletion go on. Only an explicit
     * `finalized: false` holds it, so a sync hook that knows nothing of finalizing never blocks.
     */
    async finalize(call: Omit<HookCall, 'rendered'>): Promise<HookResult | undefined> {
      if (!hook) return undefined;
      const response = await ask(hook, { ...call, rendered: [] }, true);
      return {
        children: [],
        status: response.status ?? {},
        requeueAfterMs: requeueAfterMs(response),
        finalized: response.finalized !== false,
      };
    },
    /**
     * The deletion path, before Orkestra's own deletion work: a reconcile result while the hook
     * holds the deletion (status says so), undefined once it may go on.
     */
    async holdDeletion(
      call: Omit<HookCall, 'rendered'>,
      writeStatus: (status: Record<string, unknown>) => Promise<void>,
    ): Promise<ReconcileResult | undefined> {
      const cr = call.parent;
      if (!hook || !(cr.metadata.finalizers ?? []).includes(FINALIZER)) return undefined;
      const deleting = (message: string) =>
        crStatus(
          { generation: cr.metadata.generation, warnings: [], children: [], fields: [], deleting: message },
          cr.status as Record<string, unknown> | undefined,
          new Date(),
          compiled.conditionsEnabled,
        );
      let result: HookResult | undefined;
      try {
        result = await this.finalize(call);
      } catch (err) {
        if (err instanceof Halt) await writeStatus(deleting(err.problem.message));
        throw err;
      }
      if (!result || result.finalized) return undefined;
      await writeStatus({ ...result.status, ...deleting(`${hookName(hook)} has not finalized yet`) });
      return { requeueAfterMs: result.requeueAfterMs ?? FINALIZE_POLL_MS };
    },
    /** Merges the hook's children with the templates'. */
    merge: (rendered: readonly DesiredChild[], result: HookResult | undefined): DesiredChild[] =>
      result ? mergeChildren(rendered, result.children, hook?.override === true) : [...rendered],
    close: async () => runtime?.typed?.closePool(poolKey),
  };
}

export type HookStage = ReturnType<typeof hookStage>;
