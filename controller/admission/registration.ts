// The webhook configurations and CRD conversion stanzas Orkestra wants, computed from the running
// boxes. Pure: the registrar compares these with the cluster and applies the difference.
import type { BoxConfig } from '../box/operator-box.ts';
import type { KubeObject } from '../kube/object.ts';
import { webhookPath } from './server.ts';

export const WEBHOOK_CONFIGURATION_NAME = 'orkestra';
export const WEBHOOK_NAME_SUFFIX = '.orkestra.orkspace.io';
export const WEBHOOK_LABELS = {
  'app.kubernetes.io/managed-by': 'orkestra',
  'app.kubernetes.io/name': 'orkestra',
  'orkestra.orkspace.io/webhooks': 'true',
} as const;
export const WEBHOOK_LABEL_SELECTOR = 'orkestra.orkspace.io/webhooks=true';

export type ClientConfig =
  | { readonly url: string }
  | {
      readonly service: {
        readonly namespace: string;
        readonly name: string;
        readonly port: number;
        readonly path: string;
      };
    };

/** How the API server reaches a path of the webhook server. */
export type ClientConfigFor = (path: string) => ClientConfig;

type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
const DEFAULT_OPERATIONS: readonly Operation[] = ['CREATE', 'UPDATE'];

/** `website.web-platform.orkestra.orkspace.io`: what kubectl names in a denial. */
export function webhookName(config: Pick<BoxConfig, 'name' | 'katalog'>): string {
  return `${config.name}.${config.katalog}${WEBHOOK_NAME_SUFFIX}`;
}

function namespaceSelector(config: BoxConfig) {
  if (!config.resource.namespaced) return undefined;
  const runtime = config.box.operatorBox?.runtime;
  const key = 'kubernetes.io/metadata.name';
  if (runtime?.allowedNamespaces) {
    return { matchExpressions: [{ key, operator: 'In', values: [...runtime.allowedNamespaces] }] };
  }
  if (runtime?.restrictedNamespaces) {
    return { matchExpressions: [{ key, operator: 'NotIn', values: [...runtime.restrictedNamespaces] }] };
  }
  return undefined;
}

function entry(
  config: BoxConfig,
  kind: 'validate' | 'mutate',
  operations: readonly Operation[],
  clientConfig: ClientConfigFor,
  caBundle: string | undefined,
) {
  const { group, version, plural, namespaced } = config.resource;
  const selector = namespaceSelector(config);
  return {
    name: webhookName(config),
    clientConfig: {
      ...clientConfig(webhookPath(kind, config.id)),
      ...(caBundle ? { caBundle: Buffer.from(caBundle).toString('base64') } : {}),
    },
    rules: [
      {
        apiGroups: [group],
        apiVersions: [version],
        resources: [plural],
        operations: [...operations],
        scope: namespaced ? 'Namespaced' : 'Cluster',
      },
    ],
    failurePolicy: config.box.admission?.webhooks?.failurePolicy ?? 'Fail',
    matchPolicy: 'Equivalent',
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    timeoutSeconds: config.box.admission?.webhooks?.timeoutSeconds ?? 10,
    ...(selector ? { namespaceSelector: selector } : {}),
    ...(kind === 'mutate' ? { reinvocationPolicy: 'IfNeeded' } : {}),
  };
}

function configuration(kind: 'Validating' | 'Mutating', webhooks: unknown[]): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: `${kind}WebhookConfiguration`,
    metadata: { name: WEBHOOK_CONFIGURATION_NAME, labels: { ...WEBHOOK_LABELS } },
    webhooks,
  };
}

/** One configuration of each kind, one entry per box with rules of that kind, in box id order. */
export function webhookConfigurations(
  boxes: readonly BoxConfig[],
  clientConfig: ClientConfigFor,
  caBundle: string | undefined,
): { validating: KubeObject; mutating: KubeObject } {
  const sorted = [...boxes].sort((a, b) => a.id.localeCompare(b.id));
  const validating: unknown[] = [];
  const mutating: unknown[] = [];
  for (const config of sorted) {
    const admission = config.box.admission;
    const operations = admission?.webhooks?.operations ?? DEFAULT_OPERATIONS;
    if ((admission?.validation?.rules.length ?? 0) > 0) {
      validating.push(entry(config, 'validate', operations, clientConfig, caBundle));
    }
    // Mutation has nothing to change on DELETE or CONNECT.
    const mutatingOps = operations.filter((op) => op === 'CREATE' || op === 'UPDATE');
    if ((admission?.mutation?.rules.length ?? 0) > 0 && mutatingOps.length > 0) {
      mutating.push(entry(config, 'mutate', mutatingOps, clientConfig, caBundle));
    }
  }
  return { validating: configuration('Validating', validating), mutating: configuration('Mutating', mutating) };
}

/** The conversion stanza for the CRD of a running box with conversion paths and several served versions. */
export function conversionPatch(
  config: BoxConfig,
  crdName: string,
  servedVersions: readonly string[],
  clientConfig: ClientConfigFor,
  caBundle: string | undefined,
): KubeObject | undefined {
  if (!config.box.admission?.conversion || servedVersions.length < 2) return undefined;
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: crdName },
    spec: {
      conversion: {
        strategy: 'Webhook',
        webhook: {
          conversionReviewVersions: ['v1'],
          clientConfig: {
            ...clientConfig(webhookPath('convert', config.id)),
            ...(caBundle ? { caBundle: Buffer.from(caBundle).toString('base64') } : {}),
          },
        },
      },
    },
  };
}
