// An OCI image layout (image-spec v1.1): oci-layout, index.json naming one linux/amd64 image
// manifest by its tag, and content-addressed blobs (config, manifest, layers). `readLayout`
// walks a layout back and checks every descriptor's size and digest against the blob, which is
// how the pushed-and-pulled-back copy is verified.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Layer } from './layer.ts';

export const MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';
export const CONFIG_MEDIA_TYPE = 'application/vnd.oci.image.config.v1+json';
export const INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';
const REF_NAME = 'org.opencontainers.image.ref.name';

export interface Descriptor {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly annotations?: Record<string, string>;
  readonly platform?: { architecture: string; os: string };
}

export interface ImageConfig {
  readonly created: string;
  readonly architecture: string;
  readonly os: string;
  readonly config: {
    readonly User: string;
    readonly Env: readonly string[];
    readonly Entrypoint: readonly string[];
    readonly Cmd: readonly string[];
    readonly WorkingDir: string;
    readonly ExposedPorts: Record<string, Record<string, never>>;
    readonly Labels: Record<string, string>;
  };
  readonly rootfs: { readonly type: 'layers'; readonly diff_ids: readonly string[] };
  readonly history: readonly { created: string; created_by: string; comment?: string }[];
}

export interface Manifest {
  readonly schemaVersion: 2;
  readonly mediaType: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly annotations?: Record<string, string>;
}

const blobPath = (layout: string, digest: string) => join(layout, 'blobs', ...digest.split(':'));

function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function writeBlob(layout: string, bytes: Buffer): Promise<string> {
  const digest = digestOf(bytes);
  await writeFile(blobPath(layout, digest), bytes);
  return digest;
}

/** Hard-links a cached layer into the layout (copies across file systems). */
async function placeLayer(layout: string, layer: Layer): Promise<void> {
  const to = blobPath(layout, layer.digest);
  try {
    await link(layer.file, to);
  } catch {
    await copyFile(layer.file, to);
  }
}

export interface WrittenImage {
  readonly manifest: Descriptor;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
}

/** Writes a fresh layout into the empty directory `layout`, the image tagged `tag`. */
export async function writeLayout(
  layout: string,
  tag: string,
  config: ImageConfig,
  layers: readonly Layer[],
  annotations: Record<string, string>,
): Promise<WrittenImage> {
  await mkdir(join(layout, 'blobs', 'sha256'), { recursive: true });
  await writeFile(join(layout, 'oci-layout'), `${JSON.stringify({ imageLayoutVersion: '1.0.0' })}\n`);
  for (const l of layers) await placeLayer(layout, l);
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDesc: Descriptor = {
    mediaType: CONFIG_MEDIA_TYPE,
    digest: await writeBlob(layout, configBytes),
    size: configBytes.length,
  };
  const layerDescs: Descriptor[] = layers.map((l) => ({
    mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
    digest: l.digest,
    size: l.size,
  }));
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: MANIFEST_MEDIA_TYPE,
    config: configDesc,
    layers: layerDescs,
    annotations,
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const manifestDesc: Descriptor = {
    mediaType: MANIFEST_MEDIA_TYPE,
    digest: await writeBlob(layout, manifestBytes),
    size: manifestBytes.length,
    annotations: { [REF_NAME]: tag },
    platform: { architecture: config.architecture, os: config.os },
  };
  const index = { schemaVersion: 2, mediaType: INDEX_MEDIA_TYPE, manifests: [manifestDesc] };
  await writeFile(join(layout, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
  return { manifest: manifestDesc, config: configDesc, layers: layerDescs };
}

async function checkBlob(layout: string, d: Descriptor): Promise<void> {
  const path = blobPath(layout, d.digest);
  const size = (await stat(path)).size;
  if (size !== d.size) throw new Error(`blob ${d.digest}: ${size} bytes, the descriptor says ${d.size}`);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const got = `sha256:${hash.digest('hex')}`;
  if (got !== d.digest) throw new Error(`blob ${d.digest} hashes to ${got}`);
}

export interface ReadImage {
  readonly manifestDescriptor: Descriptor;
  readonly manifest: Manifest;
  readonly config: ImageConfig;
  /** Path of each layer blob, in order. */
  readonly layerFiles: readonly string[];
}

/** Reads the image tagged `tag` (or the only one) from a layout, verifying every blob it names. */
export async function readLayout(layout: string, tag?: string): Promise<ReadImage> {
  const marker = JSON.parse(await readFile(join(layout, 'oci-layout'), 'utf8')) as { imageLayoutVersion?: string };
  if (marker.imageLayoutVersion !== '1.0.0') throw new Error(`${layout}: oci-layout is not version 1.0.0`);
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  const found = tag ? index.manifests.filter((m) => m.annotations?.[REF_NAME] === tag) : index.manifests;
  const manifestDescriptor = found[0];
  if (found.length !== 1 || !manifestDescriptor)
    throw new Error(`${layout}: index.json names ${found.length} images${tag ? ` tagged ${tag}` : ''}, expected 1`);
  if (manifestDescriptor.mediaType !== MANIFEST_MEDIA_TYPE)
    throw new Error(`${layout}: ${manifestDescriptor.mediaType} is not an image manifest`);
  await checkBlob(layout, manifestDescriptor);
  const manifest = JSON.parse(await readFile(blobPath(layout, manifestDescriptor.digest), 'utf8')) as Manifest;
  await checkBlob(layout, manifest.config);
  for (const l of manifest.layers) await checkBlob(layout, l);
  const config = JSON.parse(await readFile(blobPath(layout, manifest.config.digest), 'utf8')) as ImageConfig;
  if (config.rootfs.diff_ids.length !== manifest.layers.length)
    throw new Error(`${layout}: ${manifest.layers.length} layers but ${config.rootfs.diff_ids.length} diff_ids`);
  return { manifestDescriptor, manifest, config, layerFiles: manifest.layers.map((l) => blobPath(layout, l.digest)) };
}
