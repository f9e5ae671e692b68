// `orkestra inspect REF`: digest, artifact type, annotations and the boxes the document declares.
import { parse } from 'yaml';
import { pullArtifact } from '../registry/artifact.ts';
import { manifestReference } from '../registry/reference.ts';
import { type RegistryFlags, registryClientFor } from './registry-options.ts';

interface Doc {
  kind?: string;
  metadata?: { name?: string };
  spec?: {
    crds?: Record<string, { apiTypes?: { group?: string; version?: string; kind?: string }; enabled?: boolean }>;
  };
}

export async function inspect(reference: string, flags: RegistryFlags & { output?: string }): Promise<void> {
  const { ref, client } = await registryClientFor(reference, flags);
  const artifact = await pullArtifact(client, ref.repository, manifestReference(ref));
  const doc = (parse(artifact.content.toString('utf8')) ?? {}) as Doc;
  const boxes = Object.entries(doc.spec?.crds ?? {}).map(([name, b]) => ({
    name,
    gvk: `${b.apiTypes?.group}/${b.apiTypes?.version}/${b.apiTypes?.kind}`,
    enabled: b.enabled !== false,
  }));
  const summary = {
    reference: `${ref.registry}/${ref.repository}@${artifact.digest}`,
    digest: artifact.digest,
    artifactType: artifact.manifest.artifactType ?? '',
    kind: doc.kind ?? '',
    name: doc.metadata?.name ?? '',
    layer: { mediaType: artifact.layer.mediaType, digest: artifact.layer.digest, size: artifact.layer.size },
    annotations: artifact.manifest.annotations ?? {},
    boxes,
  };
  if (flags.output === 'json') {
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  const lines = [
    `Reference:     ${summary.reference}`,
    `Digest:        ${summary.digest}`,
    `Artifact type: ${summary.artifactType}`,
    `Document:      ${summary.kind} ${summary.name}`,
    `Layer:         ${summary.layer.mediaType} ${summary.layer.digest} (${summary.layer.size} bytes)`,
    'Annotations:',
    ...Object.entries(summary.annotations).map(([k, v]) => `  ${k}: ${v}`),
    'Boxes:',
    ...boxes.map((b) => `  ${b.name}  ${b.gvk}${b.enabled ? '' : '  (disabled)'}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
