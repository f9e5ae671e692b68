// Keeps the cluster's webhook registration true to the running boxes, on the leader: the
// Validating- and MutatingWebhookConfiguration, and the conversion stanza of each CRD whose box
// declares conversion. Both configurations are watched, so a deleted or hand-edited one is put
// back at once; CRDs are watched for their served versions. Everything is written by server-side
// apply with field managers of its own, the CRDs with only `spec.conversion`, and only on CRDs
// the Katalogs list. A pass writes only what differs from the cluster.
import { isDeepStrictEqual } from 'node:util';
import type { BoxConfig } from '../box/operator-box.ts';
import { type ApiClient, resourcePath } from '../kube/api-client.ts';
import { carriesAll } from '../kube/apply.ts';
import type { KubeObject, ResourceRef } from '../kube/object.ts';
import { type Reflector, startReflector } from '../kube/reflector.ts';
import { createWorkQueue } from '../kube/workqueue.ts';
import { errorField, type Logger } from '../observe/log.ts';
import { crdForIndex, crdInfo } from '../root/crd-index.ts';
import type { CertificateSource } from './certificate-source.ts';
import {
  type ClientConfigFor,
  conversionPatch,
  WEBHOOK_CONFIGURATION_NAME,
  WEBHOOK_LABEL_SELECTOR,
  WEBHOOK_NAME_SUFFIX,
  webhookConfigurations,
} from './registration.ts';

export const WEBHOOK_FIELD_MANAGER = 'orkestra-webhooks';
export const CONVERSION_FIELD_MANAGER = 'orkestra-conversion';

const ADMISSION_GROUP = { group: 'admissionregistration.k8s.io', version: 'v1', namespaced: false };
export const VALIDATING: ResourceRef = {
  ...ADMISSION_GROUP,
  kind: 'ValidatingWebhookConfiguration',
  plural: 'validatingwebhookconfigurations',
};
export const MUTATING: ResourceRef = {
  ...ADMISSION_GROUP,
  kind: 'MutatingWebhookConfiguration',
  plural: 'mutatingwebhookconfigurations',
};
const CRDS: ResourceRef = {
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  namespaced: false,
};

export interface RegistrarOptions {
  readonly client: ApiClient;
  readonly logger: Logger;
  readonly clientConfig: ClientConfigFor;
  readonly certificates: CertificateSource;
}

export interface Registrar {
  /** The boxes that run now; registration follows them. */
  setBoxes(boxes: readonly BoxConfig[]): void;
  /** Resolves after the next complete pass (for tests). */
  synced(): Promise<void>;
  /** Stops watching; the registration stays (a stopped controller keeps its failurePolicy in force). */
  stop(): Promise<void>;
}

/** Our entries of a live configuration, the fields we set compared; others' entries are theirs. */
function carriesConfiguration(desired: KubeObject, live: KubeObject | undefined): boolean {
  if (!live) return false;
  const ours = ((live.webhooks ?? []) as { name: string }[]).filter((w) => w.name.endsWith(WEBHOOK_NAME_SUFFIX));
  return carriesAll(desired.metadata.labels, live.metadata.labels ?? {}) && carriesAll(desired.webhooks, ours);
}

function ownsConversion(crd: KubeObject): boolean {
  return ((crd.metadata.managedFields ?? []) as { manager?: string; fieldsV1?: { 'f:spec'?: unknown } }[]).some(
    (m) => m.manager === CONVERSION_FIELD_MANAGER && m.fieldsV1?.['f:spec'] !== undefined,
  );
}

/**
 * What the registrar keeps of a CRD: what crdInfo reads, the conversion stanza, and the managed
 * fields of Orkestra's conversion manager (to know which stanzas are ours to release). Schemas and
 * other managers' bookkeeping stay out of the cache.
 */
function conversionView(crd: KubeObject): KubeObject {
  const lean = crdForIndex(crd);
  const managedFields = ((crd.metadata.managedFields ?? []) as { manager?: string }[]).filter(
    (m) => m.manager === CONVERSION_FIELD_MANAGER,
  );
  return {
    ...lean,
    metadata: { ...lean.metadata, managedFields },
    spec: { ...(lean.spec as Record<string, unknown>), conversion: (crd.spec as { conversion?: unknown }).conversion },
  };
}

export function startRegistrar(options: RegistrarOptions): Registrar {
  const { client, clientConfig, certificates } = options;
  const log = options.logger.child({ controller: 'webhook-registration' });
  const queue = createWorkQueue();
  const SYNC = 'sync';
  const trigger = () => queue.add(SYNC);
  const handler = { onAdd: trigger, onUpdate: trigger, onDelete: trigger };
  const watch = (resource: ResourceRef, labelSelector?: string, transform?: (o: KubeObject) => KubeObject): Reflector =>
    startReflector({ client, resource, labelSelector, handler, logger: log, transform });
  const validating = watch(VALIDATING, WEBHOOK_LABEL_SELECTOR);
  const mutating = watch(MUTATING, WEBHOOK_LABEL_SELECTOR);
  const crds = watch(CRDS, undefined, conversionView);
  certificates.onChange(trigger);

  let boxes: readonly BoxConfig[] = [];
  let passes = 0;
  const waiters: { after: number; resolve: () => void }[] = [];

  const apply = (resource: ResourceRef, obj: KubeObject, fieldManager: string) =>
    client.request<KubeObject>({
      method: 'PATCH',
      path: resourcePath(resource, undefined, obj.metadata.name),
      query: { fieldManager, force: true },
      contentType: 'application/apply-patch+yaml',
      body: obj,
    });

  async function pass() {
    const caBundle = certificates.current().caBundle;
    const desired = webhookConfigurations(boxes, clientConfig, caBundle);
    for (const [resource, reflector, obj] of [
      [VALIDATING, validating, desired.validating],
      [MUTATING, mutating, desired.mutating],
    ] as const) {
      if (carriesConfiguration(obj, reflector.cache.get(WEBHOOK_CONFIGURATION_NAME))) continue;
      await apply(resource, obj, WEBHOOK_FIELD_MANAGER);
      log.info('webhook configuration applied', { kind: resource.kind, name: WEBHOOK_CONFIGURATION_NAME });
    }

    const wanted = new Map<string, KubeObject>();
    const byGroupKind = new Map(crds.cache.list().map((c) => [`${crdInfo(c).kind}.${crdInfo(c).group}`, c]));
    for (const config of boxes) {
      const crd = byGroupKind.get(`${config.resource.kind}.${config.resource.group}`);
      if (!crd) continue;
      const patch = conversionPatch(config, crd.metadata.name, crdInfo(crd).servedVersions, clientConfig, caBundle);
      if (patch) wanted.set(crd.metadata.name, patch);
    }
    for (const [name, patch] of wanted) {
      const live = crds.cache.get(name);
      if (live && carriesAll(patch.spec, live.spec)) continue;
      await apply(CRDS, patch, CONVERSION_FIELD_MANAGER);
      log.info('CRD conversion webhook applied', { crd: name });
    }
    // Release the stanza of CRDs no running box converts any more: the API server defaults it back to None.
    for (const crd of crds.cache.list()) {
      if (wanted.has(crd.metadata.name) || !ownsConversion(crd)) continue;
      await apply(
        CRDS,
        {
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          metadata: { name: crd.metadata.name },
        },
        CONVERSION_FIELD_MANAGER,
      );
      log.info('CRD conversion webhook released', { crd: crd.metadata.name });
    }
  }

  const loop = (async () => {
    await Promise.all([validating.waitForSync(), mutating.waitForSync(), crds.waitForSync()]).catch(() => undefined);
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
      try {
        await pass();
        passes++;
        for (const w of waiters.splice(0)) {
          if (passes > w.after) w.resolve();
          else waiters.push(w);
        }
      } catch (err) {
        log.error('webhook registration failed', { err: errorField(err) });
        setTimeout(trigger, 1_000).unref();
      } finally {
        queue.done(key);
      }
    }
  })();
  trigger();

  return {
    setBoxes(next) {
      if (isDeepStrictEqual(next, boxes)) return;
      boxes = next;
      trigger();
    },
    synced() {
      return new Promise((resolve) => {
        waiters.push({ after: passes, resolve });
        trigger();
      });
    },
    async stop() {
      queue.shutDown();
      await loop;
      await Promise.all([validating.stop(), mutating.stop(), crds.stop()]);
    },
  };
}
