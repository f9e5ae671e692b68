// What the measurements need from a controller under test (Orkestra or a peer such as kro): how
// to prepare a control plane for it, start it, and define the Website workload in its own terms.
import type { ApiClient } from '../controller/kube/api-client.ts';
import type { ControlPlane } from '../e2e/control-plane/control-plane.ts';
import type { Controller, Metrics } from './cluster.ts';
import type { Subject } from './workload.ts';

export interface Peer {
  /** `orkestra` or the peer's name; also the key under `peers` in latest.json. */
  readonly name: string;
  /** The Website kind this controller serves, under `kind` (latency runs define many kinds). */
  subject(kind?: string): Subject;
  /** Installs what the controller needs before it starts (its own CRDs) and the subject's namespace. */
  prepare(cp: ControlPlane, client: ApiClient): Promise<void>;
  start(cp: ControlPlane, options: { workers: number }): Promise<Controller>;
  /**
   * Applies the definition of `subject` (a Katalog or a ResourceGraphDefinition) named `name`.
   * When the controller does not generate the CRD itself, the bench installs it first.
   */
  define(client: ApiClient, name: string, subject: Subject): Promise<void>;
  /** Whether the definition is serving: box Running, or RGD Active with its CRD Established. */
  serving(client: ApiClient, name: string, subject: Subject): Promise<boolean>;
  /** The definition's status, for an error message when a wait on it times out. */
  describe(client: ApiClient, name: string): Promise<string>;
  /** Removes the definition (and not the CRD, which other runs may still use). */
  undefine(client: ApiClient, name: string): Promise<void>;
  /** Whether the bench must create the Website CRD (false when the controller generates it). */
  readonly benchOwnsCrd: boolean;
  /** Heap in use, from the controller's own metrics. */
  heapBytes(m: Metrics): number;
}
