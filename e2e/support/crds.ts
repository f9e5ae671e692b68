import { fileURLToPath } from 'node:url';
import type { ApiClient } from '../../controller/kube/api-client.ts';
import type { KubeObject } from '../../controller/kube/object.ts';
import { kubectlOk } from './kubectl.ts';
import { eventually } from './wait.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Applies Orkestra's CRDs (and, with `examples`, the examples' CRDs) server-side and waits until
 * they are Established. The wait is retried: right after an apply, `kubectl wait` can fail on a
 * CRD whose status is not written yet.
 */
export async function applyProjectCrds(options: { examples?: boolean } = {}): Promise<void> {
  const files = ['-f', `${root}crds/`, ...(options.examples ? ['-R', '-f', `${root}examples/crds/`] : [])];
  await kubectlOk(['apply', '--server-side', ...files]);
  await eventually(
    'CRDs Established',
    () => kubectlOk(['wait', '--for=condition=Established', '--timeout=60s', ...files]),
    60_000,
  );
}

/** A minimal namespaced CRD with a status subresource and an open spec, for tests. */
export function testCrd(group: string, kind: string, versions: readonly string[] = ['v1']): KubeObject {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { kind, plural, singular: kind.toLowerCase() },
      versions: versions.map((name, i) => ({
        name,
        served: true,
        storage: i === 0,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            },
          },
        },
      })),
    },
  };
}

/** Creates the CRD and waits until it is Established (a fresh control plane on a busy machine wants longer). */
export async function createCrd(client: ApiClient, crd: KubeObject, timeoutMs = 10_000): Promise<void> {
  await client.request({ method: 'POST', path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', body: crd });
  await eventually(
    `CRD ${crd.metadata.name} Established`,
    async () => {
      const got = await client.request<KubeObject>({
        method: 'GET',
        path: `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`,
      });
      const conditions = (got.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions;
      return conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    },
    timeoutMs,
  );
}

/**
 * Applies Orkestra's own CRDs (server-side: they are too large for client-side apply) and waits
 * until they are Established. The wait is retried: right after the apply, a CRD may have no
 * status yet, which `kubectl wait` reports as an error instead of waiting.
 */
export async function applyOrkestraCrds(): Promise<void> {
  const dir = fileURLToPath(new URL('../../crds/', import.meta.url));
  await kubectlOk(['apply', '--server-side', '-f', dir]);
  await eventually(
    "Orkestra's CRDs Established",
    () => kubectlOk(['wait', '--for=condition=Established', '--timeout=10s', '-f', dir]).then(() => true),
    60_000,
    200,
  );
}
