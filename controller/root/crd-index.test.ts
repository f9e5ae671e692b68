import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../kube/object.ts';
import { crdForIndex, crdInfo } from './crd-index.ts';

const schema = { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object' } } } };

function websiteCrd(): KubeObject {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: 'websites.example.io',
      uid: 'u1',
      resourceVersion: '42',
      generation: 3,
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ schema }) },
      managedFields: [{ manager: 'kubectl' }],
    },
    spec: {
      group: 'example.io',
      scope: 'Namespaced',
      names: { kind: 'Website', plural: 'websites', singular: 'website', listKind: 'WebsiteList', shortNames: ['ws'] },
      conversion: { strategy: 'Webhook', webhook: { clientConfig: { caBundle: 'LS0t' } } },
      versions: [
        { name: 'v1alpha1', served: true, storage: false, schema },
        {
          name: 'v1',
          served: true,
          storage: true,
          schema,
          subresources: { status: {} },
          additionalPrinterColumns: [{ name: 'Ready', type: 'string', jsonPath: '.status.ready' }],
        },
      ],
    },
    status: {
      conditions: [
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
        {
          type: 'Established',
          status: 'True',
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
        },
      ],
      acceptedNames: { kind: 'Website', plural: 'websites' },
      storedVersions: ['v1'],
    },
  };
}

/** crdInfo without its function member, plus that function's answers. */
function comparable(crd: KubeObject) {
  const { hasStatusSubresource, ...info } = crdInfo(crd);
  return { ...info, status: ['v1alpha1', 'v1', 'v2'].map((v) => hasStatusSubresource(v)) };
}

test('the CRD cache transform keeps everything the root controller reads', () => {
  assert.deepEqual(comparable(crdForIndex(websiteCrd())), comparable(websiteCrd()));
  const notEstablished = websiteCrd();
  (notEstablished.status as { conditions: unknown[] }).conditions = [];
  assert.equal(crdInfo(crdForIndex(notEstablished)).established, false);
});

test('the CRD cache transform drops schemas, printer columns, conversion and bookkeeping', () => {
  const lean = crdForIndex(websiteCrd());
  assert.deepEqual(lean, {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'websites.example.io', uid: 'u1', resourceVersion: '42', generation: 3 },
    spec: {
      group: 'example.io',
      scope: 'Namespaced',
      names: { kind: 'Website', plural: 'websites' },
      versions: [
        { name: 'v1alpha1', served: true, storage: false },
        { name: 'v1', served: true, storage: true, subresources: { status: {} } },
      ],
    },
    status: {
      conditions: [
        { type: 'NamesAccepted', status: 'True' },
        { type: 'Established', status: 'True' },
      ],
    },
  });
});
