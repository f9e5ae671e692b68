import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MINIMAL, REPRESENTATIVE } from './fixtures.ts';
import { assertGolden, formatJson } from './golden-file.ts';
import {
  type KubeManifest,
  RENDERERS,
  RenderError,
  type RenderedEntry,
  renderKind,
  SHORTHAND_KINDS,
  type ShorthandKind,
  WORKLOAD_LABEL,
} from './index.ts';
import { getPointer, hasPointer } from './synth.ts';

const golden = (name: string) => new URL(`./golden/${name}.json`, import.meta.url);

describe('golden files', () => {
  for (const kind of SHORTHAND_KINDS) {
    test(`${kind}: representative entry`, () => {
      assertGolden(golden(kind), formatJson(renderKind(kind, REPRESENTATIVE[kind])));
    });
    test(`${kind}: required fields only`, () => {
      assertGolden(golden(`${kind}.minimal`), formatJson(renderKind(kind, MINIMAL[kind])));
    });
  }
});

describe('determinism', () => {
  /** The same entry with its keys (and nested keys) inserted in reverse order. */
  function reversed(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(reversed);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reversed(v)]),
    );
  }

  for (const kind of SHORTHAND_KINDS) {
    test(`${kind}: same entry, same bytes (twice, interleaved with other kinds, keys reordered)`, () => {
      const entry = REPRESENTATIVE[kind];
      const first = JSON.stringify(renderKind(kind, entry));
      for (const other of SHORTHAND_KINDS) renderKind(other, MINIMAL[other]);
      assert.equal(JSON.stringify(renderKind(kind, entry)), first);
      assert.equal(JSON.stringify(renderKind(kind, reversed(entry) as RenderedEntry)), first);
    });

    test(`${kind}: the entry is not modified`, () => {
      const entry = structuredClone(REPRESENTATIVE[kind]);
      renderKind(kind, entry);
      assert.deepEqual(entry, REPRESENTATIVE[kind]);
    });
  }

  test('apiVersion, kind, metadata come first; every other key is sorted', () => {
    for (const kind of SHORTHAND_KINDS) {
      const m = renderKind(kind, REPRESENTATIVE[kind]);
      assert.deepEqual(Object.keys(m).slice(0, 3), ['apiVersion', 'kind', 'metadata']);
      const walk = (v: unknown): void => {
        if (Array.isArray(v)) {
          v.forEach(walk);
          return;
        }
        if (typeof v !== 'object' || v === null) return;
        const keys = Object.keys(v).filter((k) => !/^\d+$/.test(k));
        assert.deepEqual(keys, [...keys].sort(), `${kind}: keys ${keys.join(',')}`);
        Object.values(v).forEach(walk);
      };
      walk(m.metadata);
      for (const [k, v] of Object.entries(m)) if (!['apiVersion', 'kind', 'metadata'].includes(k)) walk(v);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Nothing cdk8s-plus injects survives.

/** Keys no shorthand entry can ask for: they must never appear, whatever the entry. */
const NEVER = [
  'imagePullPolicy',
  'securityContext',
  'runAsNonRoot',
  'runAsUser',
  'runAsGroup',
  'fsGroup',
  'fsGroupChangePolicy',
  'readOnlyRootFilesystem',
  'allowPrivilegeEscalation',
  'privileged',
  'startupProbe',
  'livenessProbe',
  'readinessProbe',
  'lifecycle',
  'dnsPolicy',
  'dnsConfig',
  'hostNetwork',
  'hostAliases',
  'setHostnameAsFQDN',
  'terminationGracePeriodSeconds',
  'volumes',
  'volumeMounts',
  'initContainers',
  'affinity',
  'tolerations',
  'topologySpreadConstraints',
  'imagePullSecrets',
  'minReadySeconds',
  'progressDeadlineSeconds',
  'strategy',
  'updateStrategy',
  'podManagementPolicy',
  'concurrencyPolicy',
  'startingDeadlineSeconds',
  'successfulJobsHistoryLimit',
  'failedJobsHistoryLimit',
  'suspend',
  'timeZone',
  'activeDeadlineSeconds',
  'ttlSecondsAfterFinished',
  'immutable',
  'binaryData',
  'externalIPs',
  'clusterIP',
  'externalName',
  'sessionAffinity',
  'publishNotReadyAddresses',
  'loadBalancerSourceRanges',
  'volumeMode',
  'volumeName',
  'behavior',
  'defaultBackend',
  'secrets',
];

/**
 * Keys that may appear only where the entry asked for them. MINIMAL entries ask for none, so they may appear
 * only under the pointers listed per kind: what the API requires, or the entry's own required fields.
 */
const ASKED_ONLY = [
  'replicas',
  'restartPolicy',
  'resources',
  'automountServiceAccountToken',
  'type',
  'minReplicas',
  'metrics',
  'serviceName',
  'apiGroup',
  'protocol',
  'targetPort',
  'selector',
  'env',
  'command',
  'args',
  'ports',
  'annotations',
  'labels',
];
const REQUIRED_IN_MINIMAL: Partial<Record<ShorthandKind, string[]>> = {
  deployments: ['/spec/selector', '/spec/template/metadata/labels'],
  statefulSets: ['/spec/selector', '/spec/template/metadata/labels'],
  jobs: ['/spec/template/metadata/labels', '/spec/template/spec/restartPolicy'],
  cronJobs: ['/spec/jobTemplate/spec/template/metadata/labels', '/spec/jobTemplate/spec/template/spec/restartPolicy'],
  services: ['/spec/ports', '/spec/selector'],
  ingresses: ['/spec/rules/0/http/paths/0/backend/service/name'],
  persistentVolumeClaims: ['/spec/resources'],
  hpa: ['/spec/scaleTargetRef/apiVersion'],
  pdb: ['/spec/selector'],
  roles: ['/rules'], // the entry's own rules (their `resources` are RBAC resources)
  roleBindings: ['/roleRef/apiGroup'],
};

function keyPaths(value: unknown, path = ''): { path: string; key: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => keyPaths(v, `${path}/${i}`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => [
    { path: `${path}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`, key: k },
    ...keyPaths(v, `${path}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`),
  ]);
}

describe('nothing injected survives', () => {
  for (const kind of SHORTHAND_KINDS) {
    for (const [label, entry] of [
      ['representative', REPRESENTATIVE[kind]],
      ['minimal', MINIMAL[kind]],
    ] as const) {
      test(`${kind} (${label}): no key from the strip list, nothing mentioning cdk8s`, () => {
        const m = renderKind(kind, entry);
        const text = JSON.stringify(m);
        assert.doesNotMatch(text, /cdk8s/);
        for (const { path, key } of keyPaths(m)) {
          if (path.startsWith('/spec/ingress/') || path.startsWith('/spec/egress/')) continue; // free-form, verbatim
          assert.ok(!NEVER.includes(key), `${kind}: ${path} should not be there`);
        }
      });
    }

    test(`${kind} (minimal): defaulted fields appear only where Kubernetes requires them`, () => {
      const m = renderKind(kind, MINIMAL[kind]);
      const required = REQUIRED_IN_MINIMAL[kind] ?? [];
      for (const { path, key } of keyPaths(m)) {
        if (path.startsWith('/metadata/')) continue;
        if (required.some((r) => path === r || path.startsWith(`${r}/`))) continue;
        if (path.startsWith('/spec/template/metadata/labels/') || path.includes('/template/metadata/labels/')) continue;
        assert.ok(!ASKED_ONLY.includes(key), `${kind}: ${path} appears though the entry did not ask for it`);
      }
      assert.deepEqual(Object.keys(m.metadata).sort(), ['name', 'namespace']);
    });
  }

  test('workloads own no replicas unless asked, and keep 0 when asked', () => {
    for (const kind of ['deployments', 'statefulSets'] as const) {
      assert.equal(hasPointer(renderKind(kind, MINIMAL[kind]), '/spec/replicas'), false);
      assert.equal(getPointer(renderKind(kind, { ...MINIMAL[kind], replicas: 0 }), '/spec/replicas'), 0);
      assert.equal(getPointer(renderKind(kind, { ...MINIMAL[kind], replicas: '2' }), '/spec/replicas'), 2);
    }
  });

  test('fields the entry sets to the value cdk8s-plus would inject are kept', () => {
    assert.equal(
      getPointer(renderKind('services', { ...MINIMAL.services, type: 'ClusterIP' }), '/spec/type'),
      'ClusterIP',
    );
    assert.equal(
      getPointer(
        renderKind('serviceAccounts', { ...MINIMAL.serviceAccounts, automountToken: false }),
        '/automountServiceAccountToken',
      ),
      false,
    );
    assert.equal(getPointer(renderKind('hpa', { ...MINIMAL.hpa, minReplicas: 1 }), '/spec/minReplicas'), 1);
    assert.equal(
      getPointer(renderKind('statefulSets', { ...MINIMAL.statefulSets, serviceName: 'db' }), '/spec/serviceName'),
      'db',
    );
    assert.equal(getPointer(renderKind('deployments', { ...MINIMAL.deployments, replicas: 2 }), '/spec/replicas'), 2);
  });

  test('every declared injection is removed from the output of a minimal entry', () => {
    for (const kind of SHORTHAND_KINDS) {
      const out = renderKind(kind, MINIMAL[kind]);
      for (const { path } of RENDERERS[kind].injected) {
        if (path.includes('*')) continue; // covered by the wildcard check below
        assert.equal(hasPointer(out, path), false, `${kind}: ${path} survived`);
      }
    }
    const rb = renderKind('roleBindings', REPRESENTATIVE.roleBindings);
    for (const s of rb.subjects as Record<string, unknown>[]) assert.equal('apiGroup' in s, false);
  });
});

// ---------------------------------------------------------------------------------------------
// Structural validity: apiVersion/kind right, the fields the API requires present and typed.

const GVK: Record<ShorthandKind, [string, string]> = {
  deployments: ['apps/v1', 'Deployment'],
  statefulSets: ['apps/v1', 'StatefulSet'],
  jobs: ['batch/v1', 'Job'],
  cronJobs: ['batch/v1', 'CronJob'],
  services: ['v1', 'Service'],
  ingresses: ['networking.k8s.io/v1', 'Ingress'],
  configMaps: ['v1', 'ConfigMap'],
  secrets: ['v1', 'Secret'],
  serviceAccounts: ['v1', 'ServiceAccount'],
  persistentVolumeClaims: ['v1', 'PersistentVolumeClaim'],
  hpa: ['autoscaling/v2', 'HorizontalPodAutoscaler'],
  pdb: ['policy/v1', 'PodDisruptionBudget'],
  networkPolicies: ['networking.k8s.io/v1', 'NetworkPolicy'],
  roles: ['rbac.authorization.k8s.io/v1', 'Role'],
  roleBindings: ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
};

function at(m: KubeManifest, pointer: string): unknown {
  assert.ok(hasPointer(m, pointer), `${m.kind}: ${pointer} is required`);
  return getPointer(m, pointer);
}
function isPort(v: unknown): boolean {
  return Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 65535;
}
function stringMap(v: unknown): boolean {
  return typeof v === 'object' && v !== null && Object.values(v).every((x) => typeof x === 'string');
}

function checkPod(m: KubeManifest, template: string, job: boolean): void {
  const c = at(m, `${template}/spec/containers/0`) as Record<string, unknown>;
  assert.equal((at(m, `${template}/spec/containers`) as unknown[]).length, 1);
  assert.match(String(c.name), /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  assert.equal(typeof c.image, 'string');
  for (const p of (c.ports as { containerPort: unknown }[] | undefined) ?? []) assert.ok(isPort(p.containerPort));
  for (const e of (c.env as Record<string, unknown>[] | undefined) ?? []) {
    assert.equal(typeof e.name, 'string');
    assert.equal(typeof e.value, 'string');
  }
  const labels = at(m, `${template}/metadata/labels`) as Record<string, string>;
  assert.equal(labels[WORKLOAD_LABEL], m.metadata.name);
  if (job) assert.ok(['Never', 'OnFailure'].includes(at(m, `${template}/spec/restartPolicy`) as string));
  else {
    const selector = at(m, '/spec/selector/matchLabels') as Record<string, string>;
    for (const [k, v] of Object.entries(selector)) assert.equal(labels[k], v, 'selector must match the pod labels');
  }
}

const STRUCTURE: Record<ShorthandKind, (m: KubeManifest) => void> = {
  deployments: (m) => checkPod(m, '/spec/template', false),
  statefulSets: (m) => checkPod(m, '/spec/template', false),
  jobs: (m) => checkPod(m, '/spec/template', true),
  cronJobs: (m) => {
    assert.equal(typeof at(m, '/spec/schedule'), 'string');
    checkPod(m, '/spec/jobTemplate/spec/template', true);
  },
  services: (m) => {
    const ports = at(m, '/spec/ports') as Record<string, unknown>[];
    assert.ok(ports.length > 0);
    for (const p of ports) {
      assert.ok(isPort(p.port));
      if ('targetPort' in p) assert.ok(isPort(p.targetPort));
    }
    assert.ok(stringMap(at(m, '/spec/selector')));
  },
  ingresses: (m) => {
    const path = at(m, '/spec/rules/0/http/paths/0') as Record<string, unknown>;
    assert.match(String(path.path), /^\//);
    assert.ok(['Prefix', 'Exact', 'ImplementationSpecific'].includes(String(path.pathType)));
    assert.equal(typeof at(m, '/spec/rules/0/http/paths/0/backend/service/name'), 'string');
    assert.ok(isPort(at(m, '/spec/rules/0/http/paths/0/backend/service/port/number')));
  },
  configMaps: (m) => {
    if ('data' in m) assert.ok(stringMap(m.data));
  },
  secrets: (m) => {
    if ('stringData' in m) assert.ok(stringMap(m.stringData));
  },
  serviceAccounts: (m) => {
    if ('automountServiceAccountToken' in m) assert.equal(typeof m.automountServiceAccountToken, 'boolean');
  },
  persistentVolumeClaims: (m) => {
    assert.ok((at(m, '/spec/accessModes') as unknown[]).length > 0);
    assert.equal(typeof at(m, '/spec/resources/requests/storage'), 'string');
  },
  hpa: (m) => {
    assert.ok(Number.isInteger(at(m, '/spec/maxReplicas')));
    assert.equal(at(m, '/spec/scaleTargetRef/apiVersion'), 'apps/v1');
    assert.ok(['Deployment', 'StatefulSet'].includes(at(m, '/spec/scaleTargetRef/kind') as string));
    assert.equal(typeof at(m, '/spec/scaleTargetRef/name'), 'string');
  },
  pdb: (m) => {
    const spec = at(m, '/spec') as Record<string, unknown>;
    assert.equal(('minAvailable' in spec ? 1 : 0) + ('maxUnavailable' in spec ? 1 : 0), 1);
    assert.ok(stringMap(at(m, '/spec/selector/matchLabels')));
  },
  networkPolicies: (m) => {
    assert.equal(typeof at(m, '/spec/podSelector'), 'object');
  },
  roles: (m) => {
    for (const rule of at(m, '/rules') as Record<string, unknown[]>[]) {
      assert.ok(rule.apiGroups && rule.apiGroups.length > 0);
      assert.ok(rule.resources && rule.resources.length > 0);
      assert.ok(rule.verbs && rule.verbs.length > 0);
    }
  },
  roleBindings: (m) => {
    assert.equal(at(m, '/roleRef/apiGroup'), 'rbac.authorization.k8s.io');
    assert.ok(['Role', 'ClusterRole'].includes(at(m, '/roleRef/kind') as string));
    for (const s of at(m, '/subjects') as Record<string, unknown>[]) {
      if (s.kind === 'ServiceAccount') assert.equal(typeof s.namespace, 'string');
      else assert.equal('namespace' in s, false);
    }
  },
};

describe('structurally valid manifests', () => {
  for (const kind of SHORTHAND_KINDS) {
    test(`${kind}: ${GVK[kind].join(' ')} with the fields the API requires`, () => {
      for (const entry of [REPRESENTATIVE[kind], MINIMAL[kind]]) {
        const m = renderKind(kind, entry);
        assert.equal(m.apiVersion, GVK[kind][0]);
        assert.equal(m.kind, GVK[kind][1]);
        assert.equal(m.metadata.name, entry.name);
        assert.equal(m.metadata.namespace, entry.namespace);
        assert.deepEqual(m.metadata.labels, entry.labels);
        assert.deepEqual(m.metadata.annotations, entry.annotations);
        STRUCTURE[kind](m);
      }
    });
  }
});

describe('errors', () => {
  test('an unknown kind is a RenderError', () => {
    assert.throws(
      () => renderKind('daemonSets' as ShorthandKind, MINIMAL.deployments),
      (e) => e instanceof RenderError && e.field === '(kind)',
    );
  });

  test('the message names the kind, the child and the field', () => {
    assert.throws(
      () => renderKind('deployments', { ...MINIMAL.deployments, replicas: 'abc' }),
      (e) =>
        e instanceof RenderError &&
        e.field === 'replicas' &&
        e.message === 'deployments "web": replicas: expected an integer, got "abc"',
    );
  });
});
