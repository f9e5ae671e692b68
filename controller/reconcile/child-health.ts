// Whether a child is ready, and if not, why — from the child's own status, the way kstatus reads
// built-in kinds. Kinds without a meaningful status are ready once they exist.
import type { KubeObject } from '../kube/object.ts';

export interface ChildHealth {
  readonly ready: boolean;
  readonly reason?: string;
}

interface Cond {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

function conditions(obj: KubeObject): Cond[] {
  return ((obj.status as { conditions?: Cond[] } | undefined)?.conditions ?? []) as Cond[];
}

function stale(obj: KubeObject): boolean {
  const observed = (obj.status as { observedGeneration?: number } | undefined)?.observedGeneration;
  return obj.metadata.generation !== undefined && observed !== undefined && observed < obj.metadata.generation;
}

function condition(obj: KubeObject, type: string): Cond | undefined {
  return conditions(obj).find((c) => c.type === type);
}

function explain(c: Cond | undefined, fallback: string): string {
  if (!c) return fallback;
  return `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`;
}

export function childHealth(obj: KubeObject): ChildHealth {
  const status = (obj.status ?? {}) as Record<string, unknown>;
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  if (stale(obj)) return { ready: false, reason: 'controller has not observed the latest generation' };
  switch (obj.kind) {
    case 'Deployment': {
      const available = condition(obj, 'Available');
      const want = (spec.replicas as number | undefined) ?? 1;
      const have = (status.availableReplicas as number | undefined) ?? 0;
      if (available?.status === 'True' && have >= want) return { ready: true };
      return {
        ready: false,
        reason: `${have}/${want} replicas available; ${explain(available, 'no Available condition yet')}`,
      };
    }
    case 'StatefulSet': {
      const want = (spec.replicas as number | undefined) ?? 1;
      const have = (status.readyReplicas as number | undefined) ?? 0;
      return have >= want ? { ready: true } : { ready: false, reason: `${have}/${want} replicas ready` };
    }
    case 'Job': {
      if (condition(obj, 'Complete')?.status === 'True') return { ready: true };
      const failed = condition(obj, 'Failed');
      return { ready: false, reason: failed?.status === 'True' ? explain(failed, 'failed') : 'not complete' };
    }
    case 'PersistentVolumeClaim':
      return status.phase === 'Bound'
        ? { ready: true }
        : { ready: false, reason: `phase ${status.phase ?? 'Pending'}` };
    default: {
      // Custom kinds: follow a Ready condition when there is one (kstatus convention).
      const ready = condition(obj, 'Ready');
      if (!ready || ready.status === 'True') return { ready: true };
      return { ready: false, reason: explain(ready, 'not ready') };
    }
  }
}
