// Adapts the root controller's view of its boxes to what the health API and metrics read.
import type { BoxSnapshot } from '../observe/metrics.ts';
import type { KatalogHealth } from '../observe/server.ts';
import { boxPhase, type ObservedBox } from '../root/katalog-status.ts';

/** `replica` names this replica when it shards the boxes, so the boxes it runs say so. */
export function katalogHealth(observed: readonly ObservedBox[], replica?: string): KatalogHealth[] {
  const byKatalog = new Map<string, KatalogHealth['boxes'][number][]>();
  for (const o of observed) {
    const r = o.runtime;
    const boxes = byKatalog.get(o.planned.katalog) ?? [];
    boxes.push({
      name: o.planned.name,
      phase: boxPhase(o),
      gvk: o.planned.gvk,
      workers: r?.workers,
      managed: r?.managed,
      queueDepth: r?.queueDepth,
      reconciles: r?.reconciles,
      errors: r?.health.failures,
      lastError: r?.health.lastError,
      lastErrorAt: r?.health.lastErrorAt,
      lastSuccessAt: r?.health.lastSuccessAt,
      message: o.planned.message,
      ...(replica && r ? { replica } : o.remote?.replica ? { replica: o.remote.replica } : {}),
      ...(!r && o.remote
        ? { managed: o.remote.managed, queueDepth: o.remote.queueDepth, workers: o.remote.workers }
        : {}),
    });
    byKatalog.set(o.planned.katalog, boxes);
  }
  return [...byKatalog].map(([name, boxes]) => ({ name, boxes }));
}

export function boxSnapshots(observed: readonly ObservedBox[]): BoxSnapshot[] {
  return observed.map((o) => ({
    id: o.planned.id,
    phase: boxPhase(o),
    managed: o.runtime?.managed ?? 0,
    workers: o.runtime?.workers ?? 0,
  }));
}
