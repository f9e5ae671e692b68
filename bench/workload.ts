// The benchmark's workload, defined once per subject: a `Website` kind whose every custom resource
// produces a Deployment, a Service and a ConfigMap from `image`, `replicas` and `port`.
//   Orkestra  a Katalog box over a CRD the bench installs
//   kro       a ResourceGraphDefinition (kro generates the CRD itself), in kro's documented syntax
//   floor     the children Orkestra renders, applied by a plain client (bench/floor.ts)
// Websites ask for 0 replicas: the control plane runs kube-controller-manager's Deployment
// controller but no scheduler or kubelet, so a Deployment only becomes Available at 0 replicas, and
// both controllers wait for Available before calling a Website Ready.
import type { Katalog } from '../api-types/katalog.ts';
import type { KubeObject } from '../controller/kube/object.ts';

export const GROUP = 'bench.orkestra.io';
/** kro's generated CRD lives in its own group, so no object of one subject is seen by the other. */
export const KRO_GROUP = 'kro.bench.io';
export const VERSION = 'v1';
export const IMAGE = 'registry.local/website:1.0';
export const PORT = 8080;

export interface Subject {
  /** Where this subject's Websites live. */
  readonly namespace: string;
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
}

export const orkestraSubject = (kind = 'Website'): Subject => ({
  namespace: 'bench-orkestra',
  group: GROUP,
  kind,
  plural: `${kind.toLowerCase()}s`,
});
export const kroSubject = (kind = 'Website'): Subject => ({
  namespace: 'bench-kro',
  group: KRO_GROUP,
  kind,
  plural: `${kind.toLowerCase()}s`,
});
/** The floor writes a kind of its own, so a controller started later on the same control plane never sees its objects. */
export const floorSubject: Subject = {
  namespace: 'bench-floor',
  group: GROUP,
  kind: 'FloorSite',
  plural: 'floorsites',
};

export const names = (n: number, prefix = 'site') => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

export function websiteCr(subject: Subject, name: string): KubeObject {
  return {
    apiVersion: `${subject.group}/${VERSION}`,
    kind: subject.kind,
    metadata: { name, namespace: subject.namespace },
    spec: { image: IMAGE, replicas: 0, port: PORT },
  };
}

export const crsPath = (s: Subject) => `/apis/${s.group}/${VERSION}/namespaces/${s.namespace}/${s.plural}`;

/** The Website CRD Orkestra (and the floor) work on: typed spec, open status. */
export function websiteCrd(subject: Subject): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${subject.plural}.${subject.group}` },
    spec: {
      group: subject.group,
      scope: 'Namespaced',
      names: { kind: subject.kind, plural: subject.plural, singular: subject.kind.toLowerCase() },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  required: ['image'],
                  properties: {
                    image: { type: 'string' },
                    replicas: { type: 'integer', default: 1 },
                    port: { type: 'integer', default: 8080 },
                  },
                },
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  };
}

export interface KatalogOptions {
  readonly workers: number;
  readonly events: boolean;
}

/** One operator box for the Website kind. */
export function websiteBox(subject: Subject, options: KatalogOptions) {
  return {
    apiTypes: { group: subject.group, version: VERSION, kind: subject.kind },
    operatorBox: {
      emit: { events: options.events },
      runtime: { allowedNamespaces: [subject.namespace] },
      reconcile: {
        workers: options.workers,
        onReconcile: {
          deployments: [
            {
              name: '{{ .metadata.name }}',
              image: '{{ .spec.image }}',
              replicas: '{{ .spec.replicas }}',
              port: '{{ .spec.port }}',
              reconcile: true,
            },
          ],
          services: [{ name: '{{ .metadata.name }}', port: 80, targetPort: '{{ .spec.port }}', reconcile: true }],
          configMaps: [
            {
              name: '{{ .metadata.name }}-config',
              data: { image: '{{ .spec.image }}', port: '{{ .spec.port }}' },
              reconcile: true,
            },
          ],
        },
      },
    },
  };
}

export function websiteKatalog(name: string, subject: Subject, options: KatalogOptions): Katalog {
  return {
    apiVersion: 'orkestra.orkspace.io/v1alpha1',
    kind: 'Katalog',
    metadata: { name },
    spec: { crds: { website: websiteBox(subject, options) } },
  } as Katalog;
}

/**
 * The same Website as a kro ResourceGraphDefinition. The Deployment mirrors what Orkestra
 * renders (labels, selector, one container with the port); readyWhen mirrors Orkestra's
 * Deployment health (the controller observed the generation and reports Available), since kro
 * counts a resource without readyWhen as ready once it exists.
 */

/** A kro CEL hole, `${expr}`. */
const cel = (expr: string) => `\${${expr}}`;

export function websiteRgd(name: string, subject: Subject): KubeObject {
  const app = cel('schema.metadata.name');
  return {
    apiVersion: 'kro.run/v1alpha1',
    kind: 'ResourceGraphDefinition',
    metadata: { name },
    spec: {
      schema: {
        apiVersion: VERSION,
        kind: subject.kind,
        group: subject.group,
        spec: {
          image: 'string | required=true',
          replicas: 'integer | default=1',
          port: 'integer | default=8080',
        },
      },
      resources: [
        {
          id: 'deployment',
          readyWhen: [
            cel('deployment.status.?observedGeneration.orValue(0) == deployment.metadata.generation'),
            cel('deployment.status.?conditions.orValue([]).exists(c, c.type == "Available" && c.status == "True")'),
          ],
          template: {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: app, namespace: cel('schema.metadata.namespace') },
            spec: {
              replicas: cel('schema.spec.replicas'),
              selector: { matchLabels: { 'app.kubernetes.io/name': app } },
              template: {
                metadata: { labels: { 'app.kubernetes.io/name': app } },
                spec: {
                  containers: [
                    { name: app, image: cel('schema.spec.image'), ports: [{ containerPort: cel('schema.spec.port') }] },
                  ],
                },
              },
            },
          },
        },
        {
          id: 'service',
          template: {
            apiVersion: 'v1',
            kind: 'Service',
            metadata: { name: app, namespace: cel('schema.metadata.namespace') },
            spec: {
              selector: { 'app.kubernetes.io/name': app },
              ports: [{ port: 80, targetPort: cel('schema.spec.port') }],
            },
          },
        },
        {
          id: 'config',
          template: {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: `${app}-config`, namespace: cel('schema.metadata.namespace') },
            data: { image: cel('schema.spec.image'), port: cel('string(schema.spec.port)') },
          },
        },
      ],
    },
  };
}

interface Condition {
  type: string;
  status: string;
}
/** Both controllers report a `Ready` condition on the instance when every child is ready. */
export function isReady(o: KubeObject): boolean {
  const conditions = (o.status as { conditions?: Condition[] } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}
