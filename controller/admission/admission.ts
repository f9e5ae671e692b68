// The admission stack of one controller process: the webhook server with its certificates and the
// Katalog watch it answers from (every replica), and the registrar (the leader only, started with
// the root controller and fed the running boxes).
import type { Registry } from 'prom-client';
import type { Box } from '../../api-types/box.ts';
import type { Katalog } from '../../api-types/katalog.ts';
import type { ApiClient } from '../kube/api-client.ts';
import { startReflector } from '../kube/reflector.ts';
import type { Logger } from '../observe/log.ts';
import { KATALOG_RESOURCE } from '../root/root-controller.ts';
import { admissionBox } from './admission-box.ts';
import { type CertificateSource, directoryCertificates, secretCertificates } from './certificate-source.ts';
import type { Validity } from './certificates.ts';
import { createWebhookMetrics } from './metrics.ts';
import { type Registrar, startRegistrar } from './registrar.ts';
import type { ClientConfigFor } from './registration.ts';
import { startWebhookServer } from './server.ts';

export interface AdmissionOptions {
  readonly client: ApiClient;
  readonly logger: Logger;
  /** host:port of the webhook server; port 0 picks a free one. */
  readonly listen: string;
  /** https://host[:port] the API server calls (paths are appended); default: see clientConfigFor. */
  readonly urlBase?: string;
  /** Certificates managed elsewhere (tls.crt, tls.key, optional ca.crt); default: self-managed in a Secret. */
  readonly certDir?: string;
  /** Namespace of the certificate Secret and of the webhook Service. */
  readonly namespace: string;
  readonly secretName?: string;
  readonly serviceName?: string;
  /** Running in a Pod: the API server reaches us through the Service. */
  readonly inCluster: boolean;
  readonly registry?: Registry;
  readonly validity?: Validity;
  readonly certRefreshMs?: number;
}

export interface Admission {
  readonly port: number;
  readonly certificates: CertificateSource;
  readonly clientConfig: ClientConfigFor;
  /** Registration, for the leader: feed it the running boxes; stop it when leadership ends. */
  startRegistrar(): Registrar;
  stop(): Promise<void>;
}

function splitListen(listen: string): { host: string; port: number } {
  const at = listen.lastIndexOf(':');
  return at < 0
    ? { host: '0.0.0.0', port: Number(listen) }
    : { host: listen.slice(0, at) || '0.0.0.0', port: Number(listen.slice(at + 1)) };
}

export async function startAdmission(options: AdmissionOptions): Promise<Admission> {
  const { client, logger } = options;
  const serviceName = options.serviceName ?? 'orkestra-webhook';
  const { host, port } = splitListen(options.listen);
  const service = `${serviceName}.${options.namespace}.svc`;
  const names = ['127.0.0.1', 'localhost', service, `${service}.cluster.local`];
  if (options.urlBase) names.push(new URL(options.urlBase).hostname.replace(/^\[|\]$/g, ''));

  const certificates = options.certDir
    ? await directoryCertificates(options.certDir, logger)
    : await secretCertificates({
        client,
        namespace: options.namespace,
        name: options.secretName ?? 'orkestra-webhook-certs',
        names: [...new Set(names)],
        logger,
        validity: options.validity,
        refreshMs: options.certRefreshMs,
      });

  // The Katalogs this replica answers from; a standby watches them too.
  const katalogs = startReflector({
    client,
    resource: KATALOG_RESOURCE,
    logger: logger.child({ controller: 'webhook' }),
  });
  await katalogs.waitForSync();
  const lookup = (boxId: string) => {
    const [katalogName, boxName] = boxId.split('/') as [string, string];
    const box = (katalogs.cache.get(katalogName) as Katalog | undefined)?.spec.crds?.[boxName] as Box | undefined;
    return box ? admissionBox(boxId, boxName, box) : undefined;
  };

  const server = await startWebhookServer({
    host,
    port,
    tls: certificates.current().tls,
    lookup,
    ready: () => katalogs.hasSynced(),
    logger,
    metrics: options.registry ? createWebhookMetrics(options.registry) : undefined,
  });
  certificates.onChange((c) => server.setCertificate(c.tls));

  const clientConfig: ClientConfigFor = (path) => {
    if (options.urlBase) return { url: `${options.urlBase.replace(/\/$/, '')}${path}` };
    if (options.inCluster) return { service: { namespace: options.namespace, name: serviceName, port: 443, path } };
    return { url: `https://127.0.0.1:${server.port}${path}` };
  };

  return {
    port: server.port,
    certificates,
    clientConfig,
    startRegistrar: () => startRegistrar({ client, logger, clientConfig, certificates }),
    async stop() {
      certificates.stop();
      await server.close();
      await katalogs.stop();
    },
  };
}
