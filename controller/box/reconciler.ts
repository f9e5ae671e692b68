// The contract between an operator box and what it runs for each custom resource. The box owns
// the cache, queue and workers; a reconciler only decides and acts for one object.
import type { Cache } from '../kube/cache.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import type { Logger } from '../observe/log.ts';

export interface ReconcileRequest {
  readonly key: string;
  readonly namespace: string | undefined;
  readonly name: string;
}

export interface ReconcileContext {
  readonly request: ReconcileRequest;
  /** The object from the box's cache; undefined once it is gone. Treat as immutable. */
  readonly object: KubeObject | undefined;
  readonly cache: Cache;
  readonly resource: ResourceRef;
  readonly reconcileID: string;
  readonly logger: Logger;
  /** Aborts when the box stops; long operations should give up. */
  readonly signal: AbortSignal;
}

/** What a successful reconcile asks for next; an error result is a thrown exception. */
export interface ReconcileResult {
  /** Reconcile again after this long even if nothing changes. */
  readonly requeueAfterMs?: number;
}

export type Reconciler = (ctx: ReconcileContext) => Promise<ReconcileResult | undefined>;
