import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Box } from '../../api-types/box.ts';
import type { BoxConfig } from '../box/operator-box.ts';
import { conversionPatch, webhookConfigurations } from './registration.ts';

function config(name: string, box: Partial<Box>, namespaced = true): BoxConfig {
  return {
    id: `k/${name}`,
    katalog: 'k',
    name,
    resource: { group: 'demo.io', version: 'v1', kind: 'Web', plural: `${name}s`, namespaced },
    box: { apiTypes: { group: 'demo.io', version: 'v1', kind: 'Web' }, ...box },
    katalogFinalizers: [],
    hasStatusSubresource: true,
    generation: 1,
  };
}
const url = (path: string) => ({ url: `https://127.0.0.1:9443${path}` });
const rule = { field: 'spec.x', exists: true, message: 'm' } as const;

describe('webhook registration', () => {
  test('one entry per box with rules of that kind; none for boxes without', () => {
    const { validating, mutating } = webhookConfigurations(
      [
        config('b', { admission: { mutation: { rules: [{ field: 'spec.p', default: 1 }] } } }),
        config('a', {
          admission: { validation: { rules: [rule] }, webhooks: { failurePolicy: 'Ignore', operations: ['DELETE'] } },
          operatorBox: { runtime: { restrictedNamespaces: ['kube-system'] } },
        }),
        config('c', {}),
      ],
      url,
      'PEM',
    );
    assert.equal(validating.metadata.name, 'orkestra');
    assert.deepEqual(validating.webhooks, [
      {
        name: 'a.k.orkestra.orkspace.io',
        clientConfig: { url: 'https://127.0.0.1:9443/validate/k/a', caBundle: Buffer.from('PEM').toString('base64') },
        rules: [
          {
            apiGroups: ['demo.io'],
            apiVersions: ['v1'],
            resources: ['as'],
            operations: ['DELETE'],
            scope: 'Namespaced',
          },
        ],
        failurePolicy: 'Ignore',
        matchPolicy: 'Equivalent',
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        timeoutSeconds: 10,
        namespaceSelector: {
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] }],
        },
      },
    ]);
    const [m] = mutating.webhooks as { name: string; reinvocationPolicy: string; rules: { operations: string[] }[] }[];
    assert.equal(m?.name, 'b.k.orkestra.orkspace.io');
    assert.equal(m?.reinvocationPolicy, 'IfNeeded');
    assert.deepEqual(m?.rules[0]?.operations, ['CREATE', 'UPDATE']);
  });

  test('cluster-scoped kinds get no namespaceSelector; a mutation box listing only DELETE gets no entry', () => {
    const { validating, mutating } = webhookConfigurations(
      [
        config(
          'a',
          { admission: { validation: { rules: [rule] } }, operatorBox: { runtime: { allowedNamespaces: ['x'] } } },
          false,
        ),
        config('b', {
          admission: { mutation: { rules: [{ field: 'spec.p', default: 1 }] }, webhooks: { operations: ['DELETE'] } },
        }),
      ],
      url,
      undefined,
    );
    const [v] = validating.webhooks as Record<string, unknown>[];
    assert.equal(v?.namespaceSelector, undefined);
    assert.deepEqual(
      v?.clientConfig,
      { url: 'https://127.0.0.1:9443/validate/k/a' },
      'no bundle when someone else injects it',
    );
    assert.deepEqual(mutating.webhooks, []);
  });

  test('the CRD patch is only the conversion stanza, only with several served versions', () => {
    const box = config('w', { admission: { conversion: { storageVersion: 'v1', paths: [] } } });
    assert.equal(conversionPatch(box, 'ws.demo.io', ['v1'], url, 'PEM'), undefined);
    assert.equal(conversionPatch(config('n', {}), 'ns.demo.io', ['v1', 'v2'], url, 'PEM'), undefined);
    assert.deepEqual(conversionPatch(box, 'ws.demo.io', ['v1', 'v2'], url, 'PEM'), {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'ws.demo.io' },
      spec: {
        conversion: {
          strategy: 'Webhook',
          webhook: {
            conversionReviewVersions: ['v1'],
            clientConfig: {
              url: 'https://127.0.0.1:9443/convert/k/w',
              caBundle: Buffer.from('PEM').toString('base64'),
            },
          },
        },
      },
    });
  });
});
