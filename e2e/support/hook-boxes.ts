// One Katalog per box for the hook suites: a test CRD per box (group and namespace carry the
// process id), the Katalog that operates it, and the reads the suites wait on.
import type { ApiClient } from '../../controller/kube/api-client.ts';
import type { KubeObject } from '../../controller/kube/object.ts';
import { getOrUndefined } from './controller.ts';
import { createCrd, testCrd } from './crds.ts';
import { serverSideApply } from './custom-resources.ts';
import { eventually } from './wait.ts';

const KATALOGS = '/apis/orkestra.orkspace.io/v1alpha1/katalogs';

export type Condition = { type: string; status: string; reason: string; message: string };
export type Cr = KubeObject & {
  spec?: Record<string, unknown>;
  status?: { observedGeneration?: number; conditions?: Condition[] } & Record<string, unknown>;
};

export const condition = (o: Cr | undefined, type: string) => o?.status?.conditions?.find((c) => c.type === type);

export interface HookBoxes {
  readonly namespace: string;
  /** Creates the CRD of a box (kind = capitalised box name). */
  crd(box: string): Promise<void>;
  applyKatalog(box: string, operatorBox: Record<string, unknown>): Promise<KubeObject>;
  /** The box's entry in its Katalog's status, once the Katalog's generation is observed and `accept` holds. */
  boxStatus(
    box: string,
    accept: (s: { phase: string; message?: string }) => boolean,
    timeoutMs?: number,
  ): Promise<{ phase: string; message?: string }>;
  crPath(box: string, name: string): string;
  cr(box: string, name: string): Promise<Cr | undefined>;
  applyCr(box: string, name: string, spec: Record<string, unknown>): Promise<Cr>;
  configMap(name: string): Promise<(KubeObject & { data?: Record<string, string> }) | undefined>;
  /** Every CR path created, for cleanup. */
  readonly created: string[];
  katalogNames(): string[];
  crdNames(): string[];
}

export function hookBoxes(client: ApiClient, prefix: string): HookBoxes {
  const pid = process.pid;
  const group = `${prefix}${pid}.e2e.orkestra.io`;
  const namespace = `${prefix}-${pid}`;
  const kind = (box: string) => box.charAt(0).toUpperCase() + box.slice(1);
  const plural = (box: string) => `${box.toLowerCase()}s`;
  const katalog = (box: string) => `${prefix}-${pid}-${box}`;
  const boxes = new Set<string>();
  const created: string[] = [];
  const crPath = (box: string, name: string) => `/apis/${group}/v1/namespaces/${namespace}/${plural(box)}/${name}`;
  return {
    namespace,
    created,
    crPath,
    async crd(box) {
      boxes.add(box);
      await createCrd(client, testCrd(group, kind(box)));
    },
    applyKatalog(box, operatorBox) {
      return serverSideApply(client, `${KATALOGS}/${katalog(box)}`, {
        apiVersion: 'orkestra.orkspace.io/v1alpha1',
        kind: 'Katalog',
        metadata: { name: katalog(box) },
        spec: {
          crds: { [box]: { apiTypes: { group, version: 'v1', kind: kind(box), plural: plural(box) }, operatorBox } },
        },
      });
    },
    boxStatus(box, accept, timeoutMs = 20_000) {
      return eventually(
        `box ${box} status`,
        async () => {
          const k = await getOrUndefined<KubeObject>(client, `${KATALOGS}/${katalog(box)}`);
          const status = k?.status as
            | { observedGeneration?: number; boxes?: Record<string, { phase: string; message?: string }> }
            | undefined;
          const s = status?.boxes?.[box];
          if (!s || status?.observedGeneration !== k?.metadata.generation) return undefined;
          if (!accept(s)) throw new Error(`box ${box}: ${JSON.stringify(s)}`);
          return s;
        },
        timeoutMs,
      );
    },
    cr: (box, name) => getOrUndefined<Cr>(client, crPath(box, name)),
    applyCr(box, name, spec) {
      const path = crPath(box, name);
      if (!created.includes(path)) created.push(path);
      return serverSideApply<Cr>(client, path, {
        apiVersion: `${group}/v1`,
        kind: kind(box),
        metadata: { name, namespace },
        spec,
      });
    },
    configMap: (name) => getOrUndefined(client, `/api/v1/namespaces/${namespace}/configmaps/${name}`),
    katalogNames: () => [...boxes].map(katalog),
    crdNames: () => [...boxes].map((b) => `${plural(b)}.${group}`),
  };
}
