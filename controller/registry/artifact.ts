// The Orkestra artifact: a Katalog (or Komposer) YAML document as an OCI image manifest with
// artifactType application/vnd.orkestra.katalog.v1, the empty config and one YAML layer. See
// docs/distribution.md for the format.
import { parseDocument } from 'yaml';
import type { Descriptor, RegistryClient } from './client.ts';
import { sha256 } from './client.ts';

export const ARTIFACT_TYPE = 'application/vnd.orkestra.katalog.v1';
export const LAYER_MEDIA_TYPE = 'application/vnd.orkestra.katalog.layer.v1+yaml';
export const MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';
export const EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';
const EMPTY = Buffer.from('{}');
export const EMPTY_DESCRIPTOR: Descriptor = {
  mediaType: EMPTY_MEDIA_TYPE,
  digest: sha256(EMPTY),
  size: EMPTY.length,
  data: EMPTY.toString('base64'),
};

const OCI = 'org.opencontainers.image';
/** Annotation prefixes a document's own metadata.annotations may carry into the manifest. */
const PASSED_THROUGH = [`${OCI}.`, 'io.artifacthub.'];

export interface ImageManifest {
  readonly schemaVersion: 2;
  readonly mediaType: string;
  readonly artifactType?: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface ArtifactInput {
  /** The YAML document as given; its bytes are the layer, unchanged. */
  readonly content: Buffer;
  /** Layer file name (the title oras pull writes it under). */
  readonly fileName: string;
  /** Defaults to the tag. */
  readonly version?: string;
  readonly source?: string;
  readonly created?: Date;
}

interface DocumentMeta {
  kind?: string;
  metadata?: { name?: string; annotations?: Record<string, string> };
  spec?: { description?: string };
}

/** The manifest annotations: the document's own OCI / Artifact Hub annotations, then ours. */
export function artifactAnnotations(doc: unknown, input: ArtifactInput): Record<string, string> {
  const meta = (doc ?? {}) as DocumentMeta;
  const own = Object.entries(meta.metadata?.annotations ?? {}).filter(([k]) =>
    PASSED_THROUGH.some((p) => k.startsWith(p)),
  );
  const annotations: Record<string, string> = Object.fromEntries(own);
  const set = (key: string, value: string | undefined) => {
    if (value !== undefined && value !== '') annotations[key] = value;
  };
  set(`${OCI}.title`, meta.metadata?.name);
  set(`${OCI}.description`, meta.spec?.description);
  set(`${OCI}.version`, input.version);
  set(`${OCI}.source`, input.source ?? annotations[`${OCI}.source`]);
  set(`${OCI}.created`, (input.created ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  set('io.orkspace.orkestra.kind', meta.kind);
  return annotations;
}

export function buildManifest(layer: Descriptor, annotations: Record<string, string>): Buffer {
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MANIFEST_MEDIA_TYPE,
    artifactType: ARTIFACT_TYPE,
    config: EMPTY_DESCRIPTOR,
    layers: [layer],
    annotations,
  };
  return Buffer.from(JSON.stringify(manifest));
}

export interface PushedArtifact {
  readonly digest: string;
  readonly manifest: ImageManifest;
}

/** Pushes the empty config, the layer and the manifest under `tag`. */
export async function pushArtifact(
  client: RegistryClient,
  repository: string,
  tag: string,
  input: ArtifactInput,
): Promise<PushedArtifact> {
  const doc = parseDocument(input.content.toString('utf8')).toJS() as unknown;
  await client.pushBlob(repository, EMPTY, EMPTY_MEDIA_TYPE);
  const blob = await client.pushBlob(repository, input.content, LAYER_MEDIA_TYPE);
  const layer: Descriptor = { ...blob, annotations: { [`${OCI}.title`]: input.fileName } };
  const annotations = artifactAnnotations(doc, { ...input, version: input.version ?? tag });
  const body = buildManifest(layer, annotations);
  const digest = await client.putManifest(repository, tag, body, MANIFEST_MEDIA_TYPE);
  return { digest, manifest: JSON.parse(body.toString('utf8')) as ImageManifest };
}

/**
 * The layer holding the document: the one with Orkestra's media type, else the only layer whose
 * title ends in .yaml/.yml/.json, else the only layer — so an artifact pushed by oras with a
 * plain file works too.
 */
export function documentLayer(manifest: ImageManifest): Descriptor {
  const layers = manifest.layers ?? [];
  const ours = layers.filter((l) => l.mediaType === LAYER_MEDIA_TYPE);
  if (ours.length === 1 && ours[0]) return ours[0];
  const titled = layers.filter((l) => /\.(ya?ml|json)$/.test(l.annotations?.[`${OCI}.title`] ?? ''));
  if (titled.length === 1 && titled[0]) return titled[0];
  if (layers.length === 1 && layers[0]) return layers[0];
  throw new Error(
    `the artifact has ${layers.length} layers and none is a single Katalog document (media type ${LAYER_MEDIA_TYPE})`,
  );
}

export interface PulledArtifact {
  readonly digest: string;
  readonly manifest: ImageManifest;
  readonly layer: Descriptor;
  readonly content: Buffer;
}

export function parseManifest(body: Buffer): ImageManifest {
  const manifest = JSON.parse(body.toString('utf8')) as ImageManifest;
  if (manifest.mediaType && manifest.mediaType !== MANIFEST_MEDIA_TYPE)
    throw new Error(`expected an OCI image manifest, got ${manifest.mediaType}`);
  if (!Array.isArray(manifest.layers)) throw new Error('the manifest has no layers');
  return manifest;
}

/** Fetches the manifest (by tag or digest) and the document layer. */
export async function pullArtifact(
  client: RegistryClient,
  repository: string,
  reference: string,
): Promise<PulledArtifact> {
  const fetched = await client.getManifest(repository, reference);
  const manifest = parseManifest(fetched.body);
  const layer = documentLayer(manifest);
  const content = await client.getBlob(repository, layer.digest);
  return { digest: fetched.descriptor.digest, manifest, layer, content };
}
