// The custom resource kinds the hostile corpus drives: a typed one (every field has a type, so a
// wrong-typed custom resource is the API server's to reject) and the box template around it.
import type { KubeObject } from '../../controller/kube/object.ts';

export const GROUP = 'hostile.orkestra.io';
export const VERSION = 'v1';

/** A namespaced CRD whose spec is fully typed, with a status subresource. */
export function typedCrd(kind: string): KubeObject {
  const plural = `${kind.toLowerCase()}s`;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${GROUP}` },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: { kind, plural, singular: kind.toLowerCase() },
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
                  properties: {
                    name: { type: 'string' },
                    suffix: { type: 'string' },
                    replicas: { type: 'integer' },
                    ratio: { type: 'number' },
                    expose: { type: 'boolean' },
                    tags: { type: 'array', items: { type: 'string' } },
                    ports: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: { name: { type: 'string' }, port: { type: 'integer' } },
                      },
                    },
                    labels: { type: 'object', additionalProperties: { type: 'string' } },
                    resources: {
                      type: 'object',
                      properties: { cpu: { type: 'string' }, memory: { type: 'string' } },
                    },
                    items: { type: 'array', items: { type: 'integer' } },
                    repeat: { type: 'integer' },
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

/** apiTypes of a box for `kind` of the hostile group. */
export function apiTypesOf(kind: string) {
  return { group: GROUP, version: VERSION, kind, plural: `${kind.toLowerCase()}s` };
}

/** A one-box Katalog named `name` whose box `box` operates `kind`, the box's fields merged in. */
export function hostileKatalog(name: string, kind: string, box: Record<string, unknown> = {}, extra = {}) {
  return {
    apiVersion: 'orkestra.orkspace.io/v1alpha1',
    kind: 'Katalog',
    metadata: { name },
    spec: { crds: { [kind.toLowerCase()]: { apiTypes: apiTypesOf(kind), ...box }, ...extra } },
  };
}

/** A box that renders one ConfigMap per custom resource from `data`. */
export function configMapBox(data: Record<string, unknown>, name = '{{ .metadata.name }}') {
  return { operatorBox: { reconcile: { onReconcile: { configMaps: [{ name, data, reconcile: true }] } } } };
}

export function customResource(kind: string, name: string, namespace: string, spec: Record<string, unknown>) {
  return { apiVersion: `${GROUP}/${VERSION}`, kind, metadata: { name, namespace }, spec };
}
