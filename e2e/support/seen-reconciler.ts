// The reconciler a box runs until the declarative pipeline lands: it records that it saw each
// custom resource (generation and time), which is what the runtime's own tests observe.
import type { Reconciler } from '../../controller/box/reconciler.ts';

export interface SeenRecord {
  readonly generation: number | undefined;
  readonly at: number;
  readonly count: number;
}

export function seenReconciler(seen: Map<string, SeenRecord> = new Map()): Reconciler {
  return async ({ request, object }) => {
    if (!object) {
      seen.delete(request.key);
      return undefined;
    }
    const previous = seen.get(request.key);
    seen.set(request.key, {
      generation: object.metadata.generation,
      at: Date.now(),
      count: (previous?.count ?? 0) + 1,
    });
    return undefined;
  };
}
