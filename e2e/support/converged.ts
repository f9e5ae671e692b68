// What "converged" means on a control plane without nodes: no kubelet runs Pods, so workloads
// never become available and Ready stays False; the controller has still done all it can.
import assert from 'node:assert/strict';

export interface ConvergedStatus {
  url?: string;
  observedGeneration?: number;
  conditions?: { type: string; status: string }[];
  children?: { kind: string; state: string }[];
}

/** Every child applied without error, and the custom resource not Stalled. */
export function assertConverged(status: ConvergedStatus | undefined, children: number): void {
  assert.equal(status?.children?.length, children, JSON.stringify(status));
  assert.ok(
    status?.children?.every((c) => c.state !== 'Error'),
    JSON.stringify(status?.children),
  );
  assert.equal(status?.conditions?.find((c) => c.type === 'Stalled')?.status, 'False', JSON.stringify(status));
}
