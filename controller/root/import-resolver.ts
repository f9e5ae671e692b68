// Resolves the ConfigMap and OCI imports of every Komposer in the background and keeps what
// they resolved to, so the root controller's passes read results without waiting on a network.
// A Komposer is resolved again when its generation changes and every refreshInterval (default
// 10m). A tag is re-resolved to a digest with a HEAD; the layer is fetched only when the digest
// moved; a digest-pinned ref is fetched once. A failure keeps the last good document and
// records the error, so a registry that blinks never stops healthy boxes.
import type { Katalog } from '../../api-types/katalog.ts';
import type { Komposer } from '../../api-types/komposer.ts';
import { parseDuration } from '../box/duration.ts';
import { type ApiClient, isNotFound } from '../kube/api-client.ts';
import type { KubeObject } from '../kube/object.ts';
import { errorField, type Logger } from '../observe/log.ts';
import { pullArtifact } from '../registry/artifact.ts';
import { createRegistryClient, sha256 } from '../registry/client.ts';
import { credentialsFor, type DockerConfig, type RegistryCredentials } from '../registry/docker-config.ts';
import { parseReference } from '../registry/reference.ts';
import { readImportedDocument } from './imported-document.ts';
import type { ImportKind, ResolvedImport } from './komposition.ts';

export const DEFAULT_REFRESH_MS = 10 * 60_000;
const DEFAULT_CONFIGMAP_KEY = 'katalog.yaml';

type OciImport = NonNullable<Komposer['spec']['imports']['oci']>[number];
type ConfigMapImport = NonNullable<Komposer['spec']['imports']['configMaps']>[number];

interface ImportState {
  kind: ImportKind;
  name: string;
  document: Katalog | undefined;
  digest: string | undefined;
  resolvedAt: string | undefined;
  error: string | undefined;
}

interface KomposerState {
  generation: number;
  /** The newest generation seen, which may arrive while a resolution is in flight. */
  latest: number;
  /** The generation the last finished resolution was for. */
  resolved: number;
  nextAt: number;
  inFlight: boolean;
  timer: NodeJS.Timeout | undefined;
  /** By import key (kind + name as written). */
  imports: Map<string, ImportState>;
}

export interface ImportResolverDeps {
  readonly client: ApiClient;
  /** The controller's namespace: the only one pull Secrets and CA ConfigMaps are read from. */
  readonly namespace: string;
  readonly logger: Logger;
  /** Called when a resolution changed something, so the root controller runs a pass. */
  readonly onChange: () => void;
  readonly now?: () => number;
}

export interface ImportResolver {
  /** Starts resolutions that are due (new or changed Komposers, refresh elapsed); forgets gone ones. */
  sync(komposers: readonly Komposer[]): void;
  /** What the ConfigMap and OCI imports of this Komposer resolved to, in spec order. */
  resolved(komposer: Komposer): ResolvedImport[];
  /** Whether the Komposer's imports were resolved for its current generation (a refresh in flight keeps it so). */
  settled(komposer: Komposer): boolean;
  stop(): void;
}

export function refreshMs(k: Komposer): number {
  return k.spec.refreshInterval ? parseDuration(k.spec.refreshInterval) : DEFAULT_REFRESH_MS;
}

function configMapName(c: ConfigMapImport): string {
  return `${c.namespace}/${c.name}/${c.key || DEFAULT_CONFIGMAP_KEY}`;
}

export function createImportResolver(deps: ImportResolverDeps): ImportResolver {
  const { client, namespace } = deps;
  const log = deps.logger.child({ controller: 'komposer' });
  const now = deps.now ?? Date.now;
  const states = new Map<string, KomposerState>();
  let stopped = false;

  async function getObject(path: string): Promise<KubeObject | undefined> {
    try {
      return await client.request<KubeObject>({ method: 'GET', path });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async function credentials(ref: OciImport, registry: string): Promise<RegistryCredentials | undefined> {
    if (!ref.secretRef) return undefined;
    const secret = await getObject(`/api/v1/namespaces/${namespace}/secrets/${ref.secretRef.name}`);
    if (!secret) throw new Error(`pull Secret ${namespace}/${ref.secretRef.name} not found`);
    const data = (secret.data ?? {}) as Record<string, string>;
    const decode = (key: string) =>
      data[key] === undefined ? undefined : Buffer.from(data[key], 'base64').toString('utf8');
    const key = ref.secretRef.key ?? (data['.dockerconfigjson'] !== undefined ? '.dockerconfigjson' : undefined);
    if (key) {
      const text = decode(key);
      if (text === undefined) throw new Error(`pull Secret ${namespace}/${ref.secretRef.name} has no key ${key}`);
      const found = credentialsFor(JSON.parse(text) as DockerConfig, registry);
      if (!found) throw new Error(`pull Secret ${namespace}/${ref.secretRef.name} has no credentials for ${registry}`);
      return found;
    }
    const username = decode('username');
    const password = decode('password');
    if (username === undefined || password === undefined)
      throw new Error(
        `pull Secret ${namespace}/${ref.secretRef.name} needs .dockerconfigjson, or username and password`,
      );
    return { username, password };
  }

  async function caBundle(ref: OciImport): Promise<Buffer | undefined> {
    if (!ref.caConfigMapRef) return undefined;
    const cm = await getObject(`/api/v1/namespaces/${namespace}/configmaps/${ref.caConfigMapRef.name}`);
    const key = ref.caConfigMapRef.key ?? 'ca.crt';
    const pem = (cm?.data as Record<string, string> | undefined)?.[key];
    if (!pem) throw new Error(`CA ConfigMap ${namespace}/${ref.caConfigMapRef.name} has no key ${key}`);
    return Buffer.from(pem);
  }

  /** Resolves one OCI import into `state`; throws what went wrong. */
  async function resolveOci(ref: OciImport, state: ImportState): Promise<void> {
    const parsed = parseReference(ref.ref);
    if (parsed.digest && state.digest === parsed.digest && state.document) return; // pinned: never moves
    const registry = createRegistryClient({
      registry: parsed.registry,
      plainHTTP: ref.plainHTTP,
      ca: await caBundle(ref),
      credentials: await credentials(ref, parsed.registry),
      timeoutMs: 10_000,
    });
    const target = parsed.digest ?? (await registry.resolve(parsed.repository, parsed.tag ?? 'latest')).digest;
    if (target === state.digest && state.document && !state.error) return;
    const artifact = await pullArtifact(registry, parsed.repository, target);
    const read = readImportedDocument(artifact.content.toString('utf8'));
    if ('error' in read) throw new Error(`${artifact.digest}: ${read.error}`);
    state.document = read.katalog;
    state.digest = artifact.digest;
    state.resolvedAt = new Date(now()).toISOString();
  }

  async function resolveConfigMap(ref: ConfigMapImport, state: ImportState): Promise<void> {
    const key = ref.key || DEFAULT_CONFIGMAP_KEY;
    const cm = await getObject(`/api/v1/namespaces/${ref.namespace}/configmaps/${ref.name}`);
    if (!cm) throw new Error(`ConfigMap ${ref.namespace}/${ref.name} not found`);
    const text = (cm.data as Record<string, string> | undefined)?.[key];
    if (text === undefined) throw new Error(`ConfigMap ${ref.namespace}/${ref.name} has no key ${key}`);
    const digest = sha256(Buffer.from(text));
    if (digest === state.digest && state.document && !state.error) return;
    const read = readImportedDocument(text);
    if ('error' in read) throw new Error(read.error);
    state.document = read.katalog;
    state.digest = digest;
    state.resolvedAt = new Date(now()).toISOString();
  }

  function wanted(
    k: Komposer,
  ): { key: string; kind: ImportKind; name: string; run: (s: ImportState) => Promise<void> }[] {
    return [
      ...(k.spec.imports.configMaps ?? []).map((c) => ({
        key: `ConfigMap ${configMapName(c)}`,
        kind: 'ConfigMap' as const,
        name: configMapName(c),
        run: (s: ImportState) => resolveConfigMap(c, s),
      })),
      ...(k.spec.imports.oci ?? []).map((o) => ({
        key: `OCI ${o.ref}`,
        kind: 'OCI' as const,
        name: o.ref,
        run: (s: ImportState) => resolveOci(o, s),
      })),
    ];
  }

  async function resolve(k: Komposer, state: KomposerState): Promise<void> {
    state.inFlight = true;
    let changed = false;
    const keep = new Map<string, ImportState>();
    for (const w of wanted(k)) {
      const s = state.imports.get(w.key) ?? {
        kind: w.kind,
        name: w.name,
        document: undefined,
        digest: undefined,
        resolvedAt: undefined,
        error: undefined,
      };
      const before = `${s.digest}|${s.error}|${s.document ? 1 : 0}`;
      try {
        await w.run(s);
        s.error = undefined;
      } catch (err) {
        s.error = errorField(err);
        log.warn('Komposer import failed to resolve', { name: k.metadata.name, import: w.key, err: s.error });
      }
      if (`${s.digest}|${s.error}|${s.document ? 1 : 0}` !== before) changed = true;
      keep.set(w.key, s);
    }
    if (keep.size !== state.imports.size) changed = true;
    state.imports = keep;
    state.inFlight = false;
    state.resolved = k.metadata.generation ?? 0;
    const interval = refreshMs(k);
    state.nextAt = now() + interval;
    if (!stopped) {
      clearTimeout(state.timer);
      state.timer = setTimeout(deps.onChange, interval);
      state.timer.unref();
      if (changed || state.latest !== state.generation) deps.onChange();
    }
  }

  return {
    sync(komposers) {
      const present = new Set<string>();
      for (const k of komposers) {
        const uid = k.metadata.uid ?? k.metadata.name;
        present.add(uid);
        let state = states.get(uid);
        const generation = k.metadata.generation ?? 0;
        if (!state) {
          state = {
            generation: -1,
            latest: generation,
            resolved: -1,
            nextAt: 0,
            inFlight: false,
            timer: undefined,
            imports: new Map(),
          };
          states.set(uid, state);
        }
        state.latest = generation;
        if (state.inFlight) continue;
        if (state.generation !== generation || now() >= state.nextAt) {
          state.generation = generation;
          void resolve(k, state);
        }
      }
      for (const [uid, state] of states) {
        if (present.has(uid)) continue;
        clearTimeout(state.timer);
        states.delete(uid);
      }
    },
    resolved(k) {
      const state = states.get(k.metadata.uid ?? k.metadata.name);
      return wanted(k).map((w) => {
        const s = state?.imports.get(w.key);
        return {
          kind: w.kind,
          name: w.name,
          document: s?.document,
          digest: s?.digest,
          resolvedAt: s?.resolvedAt,
          error: s?.error,
        };
      });
    },
    settled(k) {
      const state = states.get(k.metadata.uid ?? k.metadata.name);
      return state !== undefined && state.resolved === (k.metadata.generation ?? 0);
    },
    stop() {
      stopped = true;
      for (const state of states.values()) clearTimeout(state.timer);
    },
  };
}
