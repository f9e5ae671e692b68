// configMaps, secrets, serviceAccounts (cdk8s-plus-28 constructs) and persistentVolumeClaims (cdk8s
// ApiObject: cdk8s-plus takes the size as a cdk8s Size and always writes whole gibibytes, so "500Mi" or
// "10G" cannot be expressed).

import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { RenderError } from './model.ts';
import { defineKind, metadataOf } from './synth.ts';

interface ConfigMapSpec {
  data?: Record<string, string>;
}

export const configMaps = defineKind<ConfigMapSpec>({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  via: 'cdk8s-plus-28 ConfigMap',
  parse(r) {
    const data = r.optStringMap('data');
    return data && Object.keys(data).length > 0 ? { data } : {};
  },
  build(chart, spec, common) {
    new kplus.ConfigMap(chart, 'object', { metadata: metadataOf(common), data: spec.data });
  },
  injected: [{ path: '/immutable', value: false }],
});

// ---------------------------------------------------------------------------------------------

interface SecretSpec {
  stringData?: Record<string, string>;
  type?: string;
}

export const secrets = defineKind<SecretSpec>({
  apiVersion: 'v1',
  kind: 'Secret',
  via: 'cdk8s-plus-28 Secret',
  parse(r) {
    const spec: SecretSpec = {};
    const stringData = r.optStringMap('stringData');
    if (stringData && Object.keys(stringData).length > 0) spec.stringData = stringData;
    const type = r.optStr('type');
    if (type !== undefined) spec.type = type;
    return spec;
  },
  build(chart, spec, common) {
    new kplus.Secret(chart, 'object', { metadata: metadataOf(common), stringData: spec.stringData, type: spec.type });
  },
  injected: [{ path: '/immutable', value: false }],
});

// ---------------------------------------------------------------------------------------------

interface ServiceAccountSpec {
  automountToken?: boolean;
}

export const serviceAccounts = defineKind<ServiceAccountSpec>({
  apiVersion: 'v1',
  kind: 'ServiceAccount',
  via: 'cdk8s-plus-28 ServiceAccount',
  parse(r) {
    const automountToken = r.optBool('automountToken');
    return automountToken === undefined ? {} : { automountToken };
  },
  build(chart, spec, common) {
    new kplus.ServiceAccount(chart, 'object', { metadata: metadataOf(common), automountToken: spec.automountToken });
  },
  injected: [{ path: '/automountServiceAccountToken', value: false, keep: (s) => s.automountToken !== undefined }],
});

// ---------------------------------------------------------------------------------------------

const ACCESS_MODES = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'] as const;

interface PersistentVolumeClaimSpec {
  storage: string;
  accessModes: (typeof ACCESS_MODES)[number][];
  storageClassName?: string;
}

export const persistentVolumeClaims = defineKind<PersistentVolumeClaimSpec>({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  via: 'cdk8s ApiObject',
  parse(r) {
    const modes = r.optStringList('accessModes') ?? [];
    const spec: PersistentVolumeClaimSpec = {
      storage: r.quantity('storage'),
      // The API requires at least one access mode; ReadWriteOnce is what every StorageClass supports.
      accessModes:
        modes.length === 0 ? ['ReadWriteOnce'] : modes.map((m, i) => accessMode(r.path(`accessModes[${i}]`), m)),
    };
    const storageClassName = r.optStr('storageClassName');
    if (storageClassName !== undefined) spec.storageClassName = storageClassName;
    return spec;
  },
  build(chart, spec, common) {
    new ApiObject(chart, 'object', {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: metadataOf(common),
      spec: {
        accessModes: spec.accessModes,
        resources: { requests: { storage: spec.storage } },
        storageClassName: spec.storageClassName,
      },
    });
  },
  injected: [],
});

function accessMode(field: string, value: string): (typeof ACCESS_MODES)[number] {
  const found = ACCESS_MODES.find((m) => m === value);
  if (!found) throw new RenderError(field, `expected one of ${ACCESS_MODES.join(', ')}, got "${value}"`);
  return found;
}
