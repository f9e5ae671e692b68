import { Type as T } from 'typebox';
import { Box, BoxStatus } from './box.ts';
import { boxMapRules } from './katalog.ts';
import { mapOf, RFC1123_LABEL, type Static, Type } from './schema.ts';
import { conditionsList } from './status-condition.ts';

const KatalogImport = Type.String({
  description: 'Name of a Katalog in the cluster.',
  pattern: RFC1123_LABEL,
  maxLength: 253,
});
const ConfigMapImport = Type.Object(
  {
    namespace: Type.String({ pattern: RFC1123_LABEL, maxLength: 63 }),
    name: Type.String({ maxLength: 253, minLength: 1 }),
    key: Type.String({ description: 'Key holding a Katalog document (default katalog.yaml).', maxLength: 253 }),
  },
  { description: 'A ConfigMap key holding a Katalog document.' },
);
const OciImport = Type.Object(
  {
    ref: Type.String({
      description: 'OCI artifact reference holding a Katalog, e.g. registry.example/patterns/postgres:1.2.0.',
      pattern:
        '^[a-z0-9]([-a-z0-9.:]*[a-z0-9])?(/[a-z0-9._-]+)+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$',
      maxLength: 512,
    }),
  },
  { description: 'An OCI artifact holding a Katalog.' },
);

/** An override merged field by field onto an imported box: the box shape with every top-level field optional. */
const BoxOverride = T.Partial(Box, { description: 'Fields merged onto the imported box of the same name.' });

export const KomposerSpec = Type.Object(
  {
    description: Type.Optional(Type.String({ maxLength: 1024 })),
    imports: Type.Object(
      {
        katalogs: Type.Optional(
          Type.Array(KatalogImport, {
            maxItems: 32,
            'x-kubernetes-list-type': 'set',
            description: 'Katalogs, resolved first.',
          }),
        ),
        configMaps: Type.Optional(
          Type.Array(ConfigMapImport, { maxItems: 32, description: 'ConfigMaps, resolved second.' }),
        ),
        oci: Type.Optional(Type.Array(OciImport, { maxItems: 16, description: 'OCI artifacts, resolved last.' })),
      },
      { description: 'Where boxes come from, resolved in order: katalogs, configMaps, oci.' },
    ),
    crds: Type.Optional(
      mapOf(BoxOverride, 'Per-box overrides merged onto the imports.', { maxProperties: 32, ...boxMapRules(false) }),
    ),
  },
  { description: 'Composes Katalogs into one platform with overrides.' },
);
export type KomposerSpec = Static<typeof KomposerSpec>;

export const KomposerStatus = Type.Object(
  {
    observedGeneration: Type.Optional(Type.Integer()),
    conditions: Type.Optional(conditionsList('Ready summarises imports and boxes.')),
    imports: Type.Optional(
      Type.Array(
        Type.Object({
          source: Type.String({ description: 'katalog, configMap or oci.' }),
          name: Type.String({ description: 'The import, as written.' }),
          resolved: Type.Boolean(),
          digest: Type.Optional(Type.String({ description: 'Content digest (OCI).' })),
          message: Type.Optional(Type.String({ maxLength: 4096 })),
        }),
        { description: 'Resolution of every import.' },
      ),
    ),
    boxes: Type.Optional(mapOf(BoxStatus, 'Effective boxes and their state.')),
    boxCount: Type.Optional(Type.Integer()),
    runningBoxes: Type.Optional(Type.Integer()),
  },
  { description: 'Observed state, written by Orkestra.' },
);
export type KomposerStatus = Static<typeof KomposerStatus>;

export interface Komposer {
  apiVersion: 'orkestra.orkspace.io/v1alpha1';
  kind: 'Komposer';
  metadata: { name: string; generation?: number; uid?: string; resourceVersion?: string; [key: string]: unknown };
  spec: KomposerSpec;
  status?: KomposerStatus;
}
