// Where the webhook server's certificate comes from.
// - Self-managed (default): a CA and serving certificate kept in a Secret, so every replica serves
//   the same certificate and the API server trusts one bundle. Each replica re-reads the Secret
//   periodically and renews what is due; concurrent renewals are settled by the Secret's
//   resourceVersion (the loser re-reads the winner's certificates).
// - A directory (--webhook-cert-dir) that someone else fills (cert-manager): tls.crt, tls.key and,
//   when present, ca.crt for the bundle. Re-read periodically; kubelet swaps such volumes atomically.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ApiClient, ApiError, isConflict, isNotFound } from '../kube/api-client.ts';
import type { KubeObject } from '../kube/object.ts';
import { errorField, type Logger } from '../observe/log.ts';
import {
  type CertificateSet,
  caBundle,
  DEFAULT_VALIDITY,
  renewalDue,
  renewalNeeded,
  type Validity,
} from './certificates.ts';
import type { KeyPair } from './server.ts';

export interface ServingCertificate {
  readonly tls: KeyPair;
  /** PEM bundle to put in webhook configurations; undefined when someone else injects it. */
  readonly caBundle: string | undefined;
}

export interface CertificateSource {
  current(): ServingCertificate;
  /** Called after the certificate or bundle changed. */
  onChange(listener: (cert: ServingCertificate) => void): void;
  stop(): void;
}

export const CERT_SECRET_LABEL = 'orkestra.orkspace.io/webhook-certificates';

const KEYS = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  previousCaCert: 'ca-previous.crt',
  cert: 'tls.crt',
  key: 'tls.key',
} as const;

function decode(secret: KubeObject | undefined): CertificateSet | undefined {
  const data = (secret?.data ?? {}) as Record<string, string>;
  const get = (k: string) => (data[k] ? Buffer.from(data[k], 'base64').toString('utf8') : undefined);
  const caCert = get(KEYS.caCert);
  const caKey = get(KEYS.caKey);
  if (!caCert || !caKey) return undefined;
  const previousCaCert = get(KEYS.previousCaCert);
  return {
    caCert,
    caKey,
    ...(previousCaCert ? { previousCaCert } : {}),
    cert: get(KEYS.cert) ?? '',
    key: get(KEYS.key) ?? '',
  };
}

function encode(set: CertificateSet): Record<string, string> {
  const data: Record<string, string> = {};
  for (const [field, key] of Object.entries(KEYS)) {
    const v = set[field as keyof CertificateSet];
    if (v) data[key] = Buffer.from(v).toString('base64');
  }
  return data;
}

function serving(set: CertificateSet): ServingCertificate {
  return { tls: { cert: set.cert, key: set.key }, caBundle: caBundle(set) };
}

function same(a: ServingCertificate, b: ServingCertificate): boolean {
  return a.tls.cert === b.tls.cert && a.tls.key === b.tls.key && a.caBundle === b.caBundle;
}

export interface SecretCertificateOptions {
  readonly client: ApiClient;
  readonly namespace: string;
  readonly name: string;
  /** DNS names and IPs the serving certificate must cover. */
  readonly names: readonly string[];
  readonly logger: Logger;
  readonly validity?: Validity;
  /** How often the Secret is re-read (another replica may have renewed). Default 60 s. */
  readonly refreshMs?: number;
}

/** Loads (creating or renewing as needed) the certificates in the Secret; resolves once serving is possible. */
export async function secretCertificates(options: SecretCertificateOptions): Promise<CertificateSource> {
  const { client, namespace, name, logger } = options;
  const log = logger.child({ controller: 'webhook-certificates' });
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`;
  const listeners: ((c: ServingCertificate) => void)[] = [];

  async function read(): Promise<KubeObject | undefined> {
    try {
      return await client.request<KubeObject>({ method: 'GET', path });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** Reads the Secret, renews what is due, writes it back; a lost race re-reads the winner. */
  async function ensure(): Promise<CertificateSet> {
    for (let attempt = 0; ; attempt++) {
      const secret = await read();
      const stored = decode(secret);
      const now = new Date();
      if (stored && !renewalNeeded(stored, options.names, now)) return stored;
      const { renewIfNeeded } = await import('./certificate-issuer.ts');
      const { set, renewed } = renewIfNeeded(stored, options.names, now, options.validity ?? DEFAULT_VALIDITY);
      if (!renewed) return set;
      const body = {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'Opaque',
        metadata: {
          name,
          namespace,
          labels: { 'app.kubernetes.io/managed-by': 'orkestra', [CERT_SECRET_LABEL]: 'true' },
          ...(secret ? { resourceVersion: secret.metadata.resourceVersion } : {}),
        },
        data: encode(set),
      };
      try {
        if (secret) await client.request({ method: 'PUT', path, body });
        else
          await client.request({
            method: 'POST',
            path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets`,
            body,
          });
        log.info('webhook certificates written', { namespace, name, renewed: secret ? 'renewed' : 'created' });
        return set;
      } catch (err) {
        const raced = isConflict(err) || (err instanceof ApiError && err.reason === 'AlreadyExists');
        if (!raced || attempt >= 5) throw err;
      }
    }
  }

  // The API server may not be up yet: retry with backoff. A refusal (403: RBAC) will not heal by
  // waiting, so it ends the start with the API server's message.
  let first: CertificateSet | undefined;
  for (let delay = 500; first === undefined; delay = Math.min(delay * 2, 30_000)) {
    try {
      first = await ensure();
    } catch (err) {
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) throw err;
      log.error('webhook certificates not available yet, retrying', {
        namespace,
        name,
        retryInMs: delay,
        err: errorField(err),
      });
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  let current = serving(first);
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const refreshMs = options.refreshMs ?? 60_000;

  function schedule(set: CertificateSet | undefined) {
    if (stopped) return;
    const due = set ? renewalDue(set).getTime() - Date.now() : refreshMs;
    timer = setTimeout(tick, Math.max(50, Math.min(refreshMs, due)));
    timer.unref();
  }
  async function tick() {
    let set: CertificateSet | undefined;
    try {
      set = await ensure();
      const next = serving(set);
      if (!same(next, current)) {
        current = next;
        log.info('webhook certificate changed', { namespace, name });
        for (const l of listeners) l(current);
      }
    } catch (err) {
      log.error('webhook certificate refresh failed', { namespace, name, err: errorField(err) });
    }
    schedule(set);
  }
  schedule(undefined);

  return {
    current: () => current,
    onChange: (l) => listeners.push(l),
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** Certificates from a directory managed elsewhere (cert-manager): tls.crt, tls.key, optional ca.crt. */
export async function directoryCertificates(
  dir: string,
  logger: Logger,
  refreshMs = 10_000,
): Promise<CertificateSource> {
  const log = logger.child({ controller: 'webhook-certificates' });
  const load = async (): Promise<ServingCertificate> => {
    const [cert, key, ca] = await Promise.all([
      readFile(join(dir, 'tls.crt'), 'utf8'),
      readFile(join(dir, 'tls.key'), 'utf8'),
      readFile(join(dir, 'ca.crt'), 'utf8').catch(() => undefined),
    ]);
    return { tls: { cert, key }, caBundle: ca };
  };
  let current = await load();
  const listeners: ((c: ServingCertificate) => void)[] = [];
  const timer = setInterval(() => {
    load().then(
      (next) => {
        if (same(next, current)) return;
        current = next;
        log.info('webhook certificate changed', { dir });
        for (const l of listeners) l(current);
      },
      (err) => log.error('reading webhook certificates failed', { dir, err: errorField(err) }),
    );
  }, refreshMs);
  timer.unref();
  return { current: () => current, onChange: (l) => listeners.push(l), stop: () => clearInterval(timer) };
}
