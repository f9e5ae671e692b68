// Behaviour of each kind beyond the golden files: defaults, coercion, and errors that name the field.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MINIMAL } from './fixtures.ts';
import { RenderError, type RenderedEntry, renderKind, type ShorthandKind, WORKLOAD_LABEL } from './index.ts';
import { getPointer, hasPointer } from './synth.ts';

function fails(kind: ShorthandKind, entry: RenderedEntry, field: string, detail?: RegExp): void {
  assert.throws(
    () => renderKind(kind, entry),
    (e) => {
      assert.ok(e instanceof RenderError, String(e));
      assert.equal(e.field, field);
      if (detail) assert.match(e.detail, detail);
      assert.ok(e.message.startsWith(`${kind} "${entry.name}": ${field}: `), e.message);
      return true;
    },
  );
}

describe('coercion errors name the field', () => {
  const cases: [ShorthandKind, Record<string, unknown>, string][] = [
    ['deployments', { replicas: 'abc' }, 'replicas'],
    ['deployments', { replicas: '-1' }, 'replicas'],
    ['deployments', { port: '80x' }, 'port'],
    ['deployments', { port: 0 }, 'port'],
    ['statefulSets', { replicas: 2.5 }, 'replicas'],
    ['jobs', { backoffLimit: 'many' }, 'backoffLimit'],
    ['jobs', { restartPolicy: 'Always' }, 'restartPolicy'],
    ['cronJobs', { backoffLimit: true }, 'backoffLimit'],
    ['services', { port: 'http' }, 'port'],
    ['services', { targetPort: 'eighty' }, 'targetPort'],
    ['services', { protocol: 'tcp' }, 'protocol'],
    ['services', { type: 'ExternalName' }, 'type'],
    ['ingresses', { servicePort: '8o' }, 'servicePort'],
    ['ingresses', { path: 'api' }, 'path'],
    ['serviceAccounts', { automountToken: 'yes' }, 'automountToken'],
    ['persistentVolumeClaims', { storage: '10GB' }, 'storage'],
    ['persistentVolumeClaims', { accessModes: ['RWO'] }, 'accessModes[0]'],
    ['hpa', { minReplicas: 'two' }, 'minReplicas'],
    ['hpa', { maxReplicas: '0' }, 'maxReplicas'],
    ['hpa', { maxReplicas: 'ten' }, 'maxReplicas'],
    ['hpa', { cpuUtilization: '75%' }, 'cpuUtilization'],
    ['hpa', { targetKind: 'DaemonSet' }, 'targetKind'],
    ['pdb', { maxUnavailable: '1.5' }, 'maxUnavailable'],
    ['pdb', { maxUnavailable: undefined, minAvailable: 'most' }, 'minAvailable'],
    ['networkPolicies', { policyTypes: ['ingress'] }, 'policyTypes[0]'],
    ['networkPolicies', { ingress: [{ ports: [{ port: '99999' }] }] }, 'ingress[0].ports[0].port'],
    ['networkPolicies', { egress: [{ ports: [{ port: 53, endPort: 'x' }] }] }, 'egress[0].ports[0].endPort'],
    ['networkPolicies', { ingress: ['all'] }, 'ingress[0]'],
    ['configMaps', { data: { a: { nested: true } } }, 'data.a'],
    ['secrets', { stringData: ['x'] }, 'stringData'],
    ['roles', { rules: [{ resources: ['pods'], verbs: [] }] }, 'rules[0].verbs'],
    ['roles', { rules: [{ resources: ['pods'], verbs: ['get'], verb: ['list'] }] }, 'rules[0].verb'],
    ['roleBindings', { subjects: [{ kind: 'Robot', name: 'r2' }] }, 'subjects[0].kind'],
    ['roleBindings', { roleRef: { kind: 'Role' } }, 'roleRef.name'],
    ['roleBindings', { subjects: [{ kind: 'User', name: 'u', namespace: 'x' }] }, 'subjects[0].namespace'],
  ];
  for (const [kind, patch, field] of cases) {
    test(`${kind}: ${JSON.stringify(patch)} → ${field}`, () => {
      fails(kind, { ...MINIMAL[kind], ...patch } as RenderedEntry, field);
    });
  }

  test('common fields', () => {
    fails(
      'deployments',
      { ...MINIMAL.deployments, labels: { app: ['web'] } } as unknown as RenderedEntry,
      'labels.app',
    );
    fails('deployments', { ...MINIMAL.deployments, annotations: 'x' } as unknown as RenderedEntry, 'annotations');
    fails('configMaps', { ...MINIMAL.configMaps, namespace: { a: 1 } } as unknown as RenderedEntry, 'namespace');
    assert.throws(
      () => renderKind('configMaps', { namespace: 'a' } as unknown as RenderedEntry),
      (e) => e instanceof RenderError && e.field === 'name' && e.message === 'configMaps: name: is required',
    );
  });

  test('missing required fields', () => {
    const { image: _image, ...noImage } = MINIMAL.deployments;
    fails('deployments', noImage as RenderedEntry, 'image', /is required/);
    const { schedule: _schedule, ...noSchedule } = MINIMAL.cronJobs;
    fails('cronJobs', noSchedule as RenderedEntry, 'schedule', /is required/);
    const { port: _port, ...noPort } = MINIMAL.services;
    fails('services', noPort as RenderedEntry, 'port', /is required/);
    const { selector: _selector, ...noSelector } = MINIMAL.pdb;
    fails('pdb', noSelector as RenderedEntry, 'selector', /is required/);
    fails('pdb', { ...MINIMAL.pdb, minAvailable: 1 }, 'minAvailable', /exactly one/);
    const { rules: _rules, ...noRules } = MINIMAL.roles;
    fails('roles', noRules as RenderedEntry, 'rules', /is required/);
  });

  test('a field the kind does not take is an error, the gate fields are tolerated', () => {
    fails('services', { ...MINIMAL.services, replicas: 2 }, 'replicas', /not a field of this kind/);
    fails('deployments', { ...MINIMAL.deployments, imagePullPolicy: 'Always' }, 'imagePullPolicy');
    const m = renderKind('services', {
      ...MINIMAL.services,
      when: [],
      or: [],
      forEach: { field: 'spec.x' },
      reconcile: true,
    });
    assert.equal(m.kind, 'Service');
  });
});

describe('workloads', () => {
  test('pod template: entry labels + workload label; selector: the workload label only; annotations stay on the object', () => {
    const m = renderKind('deployments', {
      ...MINIMAL.deployments,
      labels: { app: 'web', team: 'a' },
      annotations: { note: 'x' },
    });
    assert.deepEqual(getPointer(m, '/spec/selector'), { matchLabels: { [WORKLOAD_LABEL]: 'web' } });
    assert.deepEqual(getPointer(m, '/spec/template/metadata'), {
      labels: { app: 'web', [WORKLOAD_LABEL]: 'web', team: 'a' },
    });
    assert.deepEqual(m.metadata.annotations, { note: 'x' });
    assert.deepEqual(m.metadata.labels, { app: 'web', team: 'a' });
  });

  test('the workload label may be given only with the entry name as value', () => {
    fails('deployments', { ...MINIMAL.deployments, labels: { [WORKLOAD_LABEL]: 'other' } }, `labels.${WORKLOAD_LABEL}`);
    const m = renderKind('statefulSets', { ...MINIMAL.statefulSets, labels: { [WORKLOAD_LABEL]: 'db' } });
    assert.equal(m.metadata.labels?.[WORKLOAD_LABEL], 'db');
  });

  test('container: name defaults to the entry name; containerName wins', () => {
    assert.equal(
      getPointer(renderKind('deployments', MINIMAL.deployments), '/spec/template/spec/containers/0/name'),
      'web',
    );
    const m = renderKind('deployments', { ...MINIMAL.deployments, containerName: 'nginx' });
    assert.equal(getPointer(m, '/spec/template/spec/containers/0/name'), 'nginx');
  });

  test('env: in order, values as strings, "" kept; duplicates are an error', () => {
    const m = renderKind('jobs', {
      ...MINIMAL.jobs,
      env: [
        { name: 'Z', value: 1 },
        { name: 'A', value: '' },
        { name: 'M', value: true },
      ],
    });
    assert.deepEqual(getPointer(m, '/spec/template/spec/containers/0/env'), [
      { name: 'Z', value: '1' },
      { name: 'A', value: '' },
      { name: 'M', value: 'true' },
    ]);
    fails(
      'jobs',
      {
        ...MINIMAL.jobs,
        env: [
          { name: 'A', value: '1' },
          { name: 'A', value: '2' },
        ],
      },
      'env[1].name',
      /duplicate/,
    );
    fails('jobs', { ...MINIMAL.jobs, env: [{ name: 'A' }] }, 'env[0].value', /is required/);
    fails('jobs', { ...MINIMAL.jobs, env: [{ name: 'A', value: { x: 1 } }] }, 'env[0].value');
  });

  test('resources: verbatim when given (quantities checked), absent otherwise', () => {
    const m = renderKind('deployments', {
      ...MINIMAL.deployments,
      resources: { requests: { cpu: 0.5, 'ephemeral-storage': '1Gi' }, limits: { 'nvidia.com/gpu': '1' } },
    });
    assert.deepEqual(getPointer(m, '/spec/template/spec/containers/0/resources'), {
      limits: { 'nvidia.com/gpu': '1' },
      requests: { cpu: '0.5', 'ephemeral-storage': '1Gi' },
    });
    assert.equal(
      hasPointer(
        renderKind('deployments', { ...MINIMAL.deployments, resources: {} }),
        '/spec/template/spec/containers/0/resources',
      ),
      false,
    );
    fails(
      'deployments',
      { ...MINIMAL.deployments, resources: { limits: { memory: 'lots' } } },
      'resources.limits.memory',
    );
    fails('deployments', { ...MINIMAL.deployments, resources: { limit: {} } }, 'resources.limit');
  });

  test('empty command/args/env lists are left out', () => {
    const m = renderKind('deployments', { ...MINIMAL.deployments, command: [], args: [], env: [] });
    assert.deepEqual(Object.keys(getPointer(m, '/spec/template/spec/containers/0') as object), ['image', 'name']);
  });

  test('serviceAccountName on the pod, and nothing about the token', () => {
    const m = renderKind('statefulSets', { ...MINIMAL.statefulSets, serviceAccountName: 'db' });
    assert.deepEqual(getPointer(m, '/spec/template/spec'), {
      containers: [{ image: 'postgres', name: 'db' }],
      serviceAccountName: 'db',
    });
  });

  test('jobs: restartPolicy Never unless OnFailure is asked; no selector', () => {
    assert.equal(getPointer(renderKind('jobs', MINIMAL.jobs), '/spec/template/spec/restartPolicy'), 'Never');
    const m = renderKind('jobs', { ...MINIMAL.jobs, restartPolicy: 'OnFailure', backoffLimit: '0' });
    assert.equal(getPointer(m, '/spec/template/spec/restartPolicy'), 'OnFailure');
    assert.equal(getPointer(m, '/spec/backoffLimit'), 0);
    assert.equal(hasPointer(m, '/spec/selector'), false);
  });

  test('cronJobs: the schedule verbatim, job fields under jobTemplate', () => {
    for (const schedule of ['@hourly', '*/5 * * * *', 'CRON_TZ=Europe/Berlin 0 3 * * 1-5']) {
      const m = renderKind('cronJobs', { ...MINIMAL.cronJobs, schedule, backoffLimit: 3 });
      assert.equal(getPointer(m, '/spec/schedule'), schedule);
      assert.equal(getPointer(m, '/spec/jobTemplate/spec/backoffLimit'), 3);
    }
  });
});

describe('networking', () => {
  test('services: default selector is the workload of the same name; a given selector replaces it', () => {
    const m = renderKind('services', { ...MINIMAL.services, labels: { app: 'web' } });
    assert.deepEqual(getPointer(m, '/spec/selector'), { [WORKLOAD_LABEL]: 'web' });
    const custom = renderKind('services', { ...MINIMAL.services, selector: { app: 'web', tier: 'fe' } });
    assert.deepEqual(getPointer(custom, '/spec/selector'), { app: 'web', tier: 'fe' });
  });

  test('services: port, targetPort, protocol, type as given', () => {
    const m = renderKind('services', {
      ...MINIMAL.services,
      port: '443',
      targetPort: 8443,
      protocol: 'TCP',
      type: 'LoadBalancer',
    });
    assert.deepEqual(getPointer(m, '/spec'), {
      ports: [{ port: 443, protocol: 'TCP', targetPort: 8443 }],
      selector: { [WORKLOAD_LABEL]: 'web' },
      type: 'LoadBalancer',
    });
  });

  test('ingresses: without host a host-less rule; tls without host names only the secret', () => {
    const m = renderKind('ingresses', { ...MINIMAL.ingresses, tlsSecretName: 'cert' });
    assert.deepEqual(getPointer(m, '/spec'), {
      rules: [
        {
          http: {
            paths: [{ backend: { service: { name: 'web', port: { number: 80 } } }, path: '/', pathType: 'Prefix' }],
          },
        },
      ],
      tls: [{ secretName: 'cert' }],
    });
  });

  test('networkPolicies: no podSelector selects all pods; numeric-string ports become integers, names stay', () => {
    const m = renderKind('networkPolicies', {
      ...MINIMAL.networkPolicies,
      policyTypes: ['Ingress'],
      ingress: [{}, { ports: [{ port: '8080', endPort: '8090' }, { port: 'metrics' }] }],
    });
    assert.deepEqual(getPointer(m, '/spec'), {
      ingress: [{}, { ports: [{ endPort: 8090, port: 8080 }, { port: 'metrics' }] }],
      podSelector: {},
      policyTypes: ['Ingress'],
    });
    assert.deepEqual(getPointer(renderKind('networkPolicies', MINIMAL.networkPolicies), '/spec'), { podSelector: {} });
  });
});

describe('config, storage, scaling, RBAC', () => {
  test('configMaps and secrets: scalar values become strings; empty maps are left out', () => {
    const cm = renderKind('configMaps', { ...MINIMAL.configMaps, data: { n: 1, b: true, s: '' } });
    assert.deepEqual(cm.data, { b: 'true', n: '1', s: '' });
    assert.equal('data' in renderKind('configMaps', { ...MINIMAL.configMaps, data: {} }), false);
    const secret = renderKind('secrets', { ...MINIMAL.secrets, stringData: { token: 42 } });
    assert.deepEqual(secret.stringData, { token: '42' });
    assert.equal('type' in secret, false);
  });

  test('namespace "" is left out of metadata', () => {
    const m = renderKind('configMaps', { ...MINIMAL.configMaps, namespace: '' });
    assert.deepEqual(m.metadata, { name: 'cfg' });
  });

  test('persistentVolumeClaims: storage as given, ReadWriteOnce unless access modes are given', () => {
    const m = renderKind('persistentVolumeClaims', { ...MINIMAL.persistentVolumeClaims, storage: '500Mi' });
    assert.deepEqual(getPointer(m, '/spec'), {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '500Mi' } },
    });
    const many = renderKind('persistentVolumeClaims', {
      ...MINIMAL.persistentVolumeClaims,
      accessModes: ['ReadWriteMany', 'ReadOnlyMany'],
    });
    assert.deepEqual(getPointer(many, '/spec/accessModes'), ['ReadWriteMany', 'ReadOnlyMany']);
  });

  test('hpa: StatefulSet targets, min ≤ max, metrics only with cpuUtilization', () => {
    const m = renderKind('hpa', { ...MINIMAL.hpa, targetKind: 'StatefulSet', minReplicas: '0', maxReplicas: '4' });
    assert.deepEqual(getPointer(m, '/spec'), {
      maxReplicas: 4,
      minReplicas: 0,
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web' },
    });
    fails('hpa', { ...MINIMAL.hpa, minReplicas: 5, maxReplicas: 4 }, 'minReplicas', /must not exceed maxReplicas/);
  });

  test('pdb: integers or percentages', () => {
    assert.equal(getPointer(renderKind('pdb', { ...MINIMAL.pdb, maxUnavailable: '1' }), '/spec/maxUnavailable'), 1);
    assert.equal(
      getPointer(renderKind('pdb', { ...MINIMAL.pdb, maxUnavailable: '25%' }), '/spec/maxUnavailable'),
      '25%',
    );
  });

  test('roles: one output rule per entry rule, core group when none given', () => {
    const m = renderKind('roles', {
      ...MINIMAL.roles,
      rules: [{ resources: ['pods', 'services'], verbs: ['get', 'list'], apiGroups: [] }],
    });
    assert.deepEqual(m.rules, [{ apiGroups: [''], resources: ['pods', 'services'], verbs: ['get', 'list'] }]);
  });

  test('roleBindings: a ServiceAccount subject gets the binding namespace unless it names one', () => {
    const m = renderKind('roleBindings', {
      ...MINIMAL.roleBindings,
      subjects: [
        { kind: 'ServiceAccount', name: 'a' },
        { kind: 'ServiceAccount', name: 'b', namespace: 'other' },
      ],
    });
    assert.deepEqual(m.subjects, [
      { kind: 'ServiceAccount', name: 'a', namespace: 'team-a' },
      { kind: 'ServiceAccount', name: 'b', namespace: 'other' },
    ]);
    fails(
      'roleBindings',
      { ...MINIMAL.roleBindings, namespace: '', subjects: [{ kind: 'ServiceAccount', name: 'a' }] },
      'subjects[0].namespace',
    );
  });
});
