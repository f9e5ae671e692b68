import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ARTIFACT_TYPE,
  artifactAnnotations,
  buildManifest,
  documentLayer,
  EMPTY_DESCRIPTOR,
  LAYER_MEDIA_TYPE,
} from './artifact.ts';
import { sha256 } from './client.ts';

test('the empty config is the OCI empty descriptor', () => {
  assert.equal(EMPTY_DESCRIPTOR.digest, 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
  assert.equal(EMPTY_DESCRIPTOR.size, 2);
});

test("annotations: title, description, version, created, and the document's own OCI and Artifact Hub ones", () => {
  const doc = {
    kind: 'Katalog',
    metadata: {
      name: 'web-platform',
      annotations: {
        'org.opencontainers.image.licenses': 'Apache-2.0',
        'io.artifacthub.package.keywords': 'web,database',
        'example.com/private': 'not copied',
      },
    },
    spec: { description: 'Websites' },
  };
  const a = artifactAnnotations(doc, {
    content: Buffer.from(''),
    fileName: 'k.yaml',
    version: '1.2.0',
    source: 'https://git.example/platform',
    created: new Date('2026-01-02T03:04:05.678Z'),
  });
  assert.deepEqual(a, {
    'org.opencontainers.image.licenses': 'Apache-2.0',
    'io.artifacthub.package.keywords': 'web,database',
    'org.opencontainers.image.title': 'web-platform',
    'org.opencontainers.image.description': 'Websites',
    'org.opencontainers.image.version': '1.2.0',
    'org.opencontainers.image.source': 'https://git.example/platform',
    'org.opencontainers.image.created': '2026-01-02T03:04:05Z',
    'io.orkspace.orkestra.kind': 'Katalog',
  });
});

test('the manifest is an OCI image manifest with the artifact type and one layer', () => {
  const layer = { mediaType: LAYER_MEDIA_TYPE, digest: sha256(Buffer.from('x')), size: 1 };
  const m = JSON.parse(buildManifest(layer, {}).toString());
  assert.equal(m.mediaType, 'application/vnd.oci.image.manifest.v1+json');
  assert.equal(m.artifactType, ARTIFACT_TYPE);
  assert.equal(m.config.mediaType, 'application/vnd.oci.empty.v1+json');
  assert.deepEqual(m.layers, [layer]);
});

test('the document layer: ours first, then a single YAML-titled layer, then a single layer', () => {
  const d = (mediaType: string, title?: string) => ({
    mediaType,
    digest: sha256(Buffer.from(mediaType + (title ?? ''))),
    size: 1,
    annotations: title ? { 'org.opencontainers.image.title': title } : undefined,
  });
  const base = {
    schemaVersion: 2 as const,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: EMPTY_DESCRIPTOR,
  };
  const ours = d(LAYER_MEDIA_TYPE);
  assert.equal(documentLayer({ ...base, layers: [d('text/plain', 'README'), ours] }), ours);
  const yaml = d('application/vnd.oci.image.layer.v1.tar', 'katalog.yaml');
  assert.equal(documentLayer({ ...base, layers: [d('text/plain', 'README'), yaml] }), yaml);
  assert.throws(() => documentLayer({ ...base, layers: [d('a', 'x'), d('b', 'y')] }), /2 layers/);
});
