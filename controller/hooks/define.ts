// The public API of typed hooks (`import { defineHook } from 'orkestra/hooks'`). A hook module
// default-exports what defineHook returns; the generics let the author type the custom resource
// (for example with the types `orkestra types` generates) and the status it writes.
import type { KubeObject } from '../kube/object.ts';
import type { HookResponse, ObservedChildren } from './contract.ts';

export type { KubeObject } from '../kube/object.ts';
export type { HookRequest, HookResponse, ObservedChildren } from './contract.ts';

/** A custom resource with a typed spec and status. */
export type Parent<Spec, Status> = KubeObject & { spec: Spec; status?: Status };

/** Read-only access to objects of the kinds the Katalog declares, served from the controller's caches. */
export interface CacheReader {
  get(ref: { apiVersion: string; kind: string; namespace?: string; name: string }): Promise<KubeObject | undefined>;
  list(ref: { apiVersion: string; kind: string; namespace?: string }): Promise<KubeObject[]>;
}

export interface HookContext<Spec = Record<string, unknown>, Status = Record<string, unknown>> {
  readonly parent: Parent<Spec, Status>;
  readonly children: ObservedChildren;
  readonly rendered: readonly KubeObject[];
  readonly args: Readonly<Record<string, unknown>>;
  readonly finalizing: boolean;
  readonly cache: CacheReader;
}

export interface TypedHookResponse<Status> extends Omit<HookResponse, 'status'> {
  readonly status?: Partial<Status> & Record<string, unknown>;
}

export interface HookDefinition<Spec = Record<string, unknown>, Status = Record<string, unknown>> {
  /** Called on every reconcile. */
  sync(ctx: HookContext<Spec, Status>): TypedHookResponse<Status> | Promise<TypedHookResponse<Status>>;
  /** Called on the deletion path; without it the deletion goes on as if it returned `finalized: true`. */
  finalize?(ctx: HookContext<Spec, Status>): TypedHookResponse<Status> | Promise<TypedHookResponse<Status>>;
}

/** Marks a module's default export as a hook; it only exists to carry the types. */
export function defineHook<Spec = Record<string, unknown>, Status = Record<string, unknown>>(
  hook: HookDefinition<Spec, Status>,
): HookDefinition<Spec, Status> {
  return hook;
}
