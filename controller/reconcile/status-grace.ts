// A new custom resource's first status waits, for a short grace, on the children its first
// reconcile just created. Those children are seldom ready at once (a Deployment is Available only
// once kube-controller-manager has looked at it), so writing status then means writing it twice:
// "children not ready" now and "Ready" a moment later, when the child's change re-enqueues the
// parent. Converging 1,000 new custom resources that way costs 1,000 status writes that say only
// "in progress" — a custom resource without status says that already.
//
// The grace is bounded: if no reconcile of the custom resource has written its status when the
// grace ends (a child that never changes again, a controller that never comes), the custom
// resource is enqueued, and that reconcile writes whatever the status is then.
import type { ChildSummary } from './cr-status.ts';

export const STATUS_GRACE_MS = 5_000;

export interface StatusGrace {
  /** Defers the status of the custom resource with this UID; re-enqueues it when the grace ends. */
  defer(uid: string): void;
  /** Its status is being written (or it is gone): no re-enqueue is owed any more. */
  settle(uid: string): void;
  close(): void;
}

/**
 * Whether a custom resource's status may wait for its children: it has never had a status
 * written, nothing went wrong, and every child that is not ready was created by this reconcile.
 */
export function waitsForNewChildren(
  live: Record<string, unknown> | undefined,
  outcome: {
    readonly halted?: true;
    readonly problem?: unknown;
    readonly warnings: readonly string[];
    readonly summaries: readonly ChildSummary[];
  },
  created: ReadonlySet<string>,
): boolean {
  if (live?.observedGeneration !== undefined || outcome.halted || outcome.problem || outcome.warnings.length > 0)
    return false;
  const notReady = outcome.summaries.filter((s) => s.state !== 'Ready');
  return notReady.length > 0 && notReady.every((s) => created.has(`${s.kind} ${s.name}`));
}

export function statusGrace(enqueue: (uid: string) => void, graceMs = STATUS_GRACE_MS): StatusGrace {
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  return {
    defer(uid) {
      if (timers.has(uid)) return;
      const timer = setTimeout(() => {
        timers.delete(uid);
        enqueue(uid);
      }, graceMs);
      timer.unref();
      timers.set(uid, timer);
    },
    settle(uid) {
      clearTimeout(timers.get(uid));
      timers.delete(uid);
    },
    close() {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}
