// A box's hook, compiled with the rest of the box: which kind (typed or remote), its templated
// endpoint and args, and its limits. A box that declares both kinds is invalid and fails to
// compile, naming the field, so the root controller reports it as the box's Failed message.
import type { Box } from '../../api-types/box.ts';
import { parseDuration } from '../box/duration.ts';
import { type CompiledValue, compileValue } from '../render/template/index.ts';

export const DEFAULT_HOOK_TIMEOUT_MS = 10_000;
export const DEFAULT_HOOK_HEAP_MB = 64;

interface HookBase {
  readonly where: string;
  readonly runHooksFirst: boolean;
  readonly override: boolean;
  readonly timeoutMs: number;
  /** The `args` map; renders to an object. */
  readonly args: CompiledValue;
}

export interface TypedHookConfig extends HookBase {
  readonly type: 'typed';
  readonly module: string;
  readonly maxHeapMb: number;
}

export interface RemoteHookConfig extends HookBase {
  readonly type: 'remote';
  readonly endpoint: CompiledValue;
  readonly auth:
    | { readonly namespace: string; readonly name: string; readonly key: string; readonly header: string }
    | undefined;
  /** PEM certificates, decoded from caBundle. */
  readonly ca: string | undefined;
}

export type CompiledHook = TypedHookConfig | RemoteHookConfig;

export function compileHook(boxName: string, box: Box): CompiledHook | undefined {
  const reconcile = box.operatorBox?.reconcile;
  const where = `spec.crds.${boxName}.operatorBox.reconcile`;
  const typed = reconcile?.hooks;
  const remote = reconcile?.remote;
  if (typed && remote) {
    throw new Error(`${where}: set hooks (a typed module) or remote (an HTTP endpoint), not both`);
  }
  if (typed) {
    const at = `${where}.hooks`;
    return {
      type: 'typed',
      where: at,
      module: typed.module,
      maxHeapMb: typed.maxHeapMb ?? DEFAULT_HOOK_HEAP_MB,
      runHooksFirst: typed.runHooksFirst ?? false,
      override: typed.override ?? false,
      timeoutMs: typed.timeout ? parseDuration(typed.timeout) : DEFAULT_HOOK_TIMEOUT_MS,
      args: compileValue(typed.args ?? {}, `${at}.args`),
    };
  }
  if (remote) {
    const at = `${where}.remote`;
    const ref = remote.auth?.secretRef;
    return {
      type: 'remote',
      where: at,
      endpoint: compileValue(remote.endpoint, `${at}.endpoint`),
      auth: ref ? { ...ref, header: remote.auth?.header ?? 'Authorization' } : undefined,
      ca: remote.caBundle ? Buffer.from(remote.caBundle, 'base64').toString('utf8') : undefined,
      runHooksFirst: remote.runHooksFirst ?? false,
      override: remote.override ?? false,
      timeoutMs: remote.timeout ? parseDuration(remote.timeout) : DEFAULT_HOOK_TIMEOUT_MS,
      args: compileValue(remote.args ?? {}, `${at}.args`),
    };
  }
  return undefined;
}
