import { Type as T } from 'typebox';
import { Box, BoxStatus } from './box.ts';
import { boxMapRules } from './katalog.ts';
import { duration, mapOf, oneOf, RFC1123_LABEL, type Static, stringList, Type } from './schema.ts';
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
const LocalRef = (what: string) =>
  Type.Object(
    {
      name: Type.String({ pattern: RFC1123_LABEL, maxLength: 253 }),
      key: Type.Optional(Type.String({ maxLength: 253, description: `Key of the ${what} (default shown above).` })),
    },
    { description: `A ${what} in the controller's own namespace; other namespaces are never read.` },
  );
const OciImport = Type.Object(
  {
    ref: Type.String({
      description:
        'OCI artifact reference holding a Katalog, e.g. registry.example/patterns/postgres:1.2.0. A tag is re-resolved every refreshInterval; a @sha256: digest never moves.',
      pattern:
        '^(oci://)?[a-z0-9]([-a-z0-9.:]*[a-z0-9])?(/[a-z0-9._-]+)+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$',
      maxLength: 512,
    }),
    plainHTTP: Type.Optional(Type.Boolean({ description: 'Talk HTTP instead of HTTPS to this registry.' })),
    secretRef: Type.Optional(
      LocalRef(
        'Secret with registry credentials: type kubernetes.io/dockerconfigjson (key .dockerconfigjson) or kubernetes.io/basic-auth (keys username, password)',
      ),
    ),
    caConfigMapRef: Type.Optional(
      LocalRef('ConfigMap with the PEM CA bundle the registry certificate is checked against (key ca.crt)'),
    ),
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
    refreshInterval: Type.Optional(
      duration('How often OCI tags are resolved again (default 10m); digest-pinned imports never change.'),
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
          kind: oneOf(['Katalog', 'ConfigMap', 'OCI'] as const, { description: 'Where the import comes from.' }),
          name: Type.String({ description: 'The Katalog name, namespace/name/key of the ConfigMap, or the OCI ref.' }),
          digest: Type.Optional(Type.String({ description: 'Manifest digest the OCI ref resolved to.' })),
          resolvedAt: Type.Optional(
            Type.String({ format: 'date-time', description: 'When the content in use was last resolved.' }),
          ),
          error: Type.Optional(
            Type.String({
              maxLength: 4096,
              description: 'Why the last resolution failed (the last good content stays in use).',
            }),
          ),
          boxes: Type.Optional(stringList('Boxes this import brought.', 32)),
        }),
        { description: 'Resolution of every import, in order.' },
      ),
    ),
    boxes: Type.Optional(
      mapOf(
        Type.Object(
          {
            ...BoxStatus.properties,
            source: Type.Optional(Type.String({ description: 'The import the box came from.' })),
          },
          { description: 'Observed state of one box and the import it came from.' },
        ),
        'Effective boxes, their source and their state.',
      ),
    ),
    importCount: Type.Optional(Type.Integer({ description: 'Imports declared.' })),
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
