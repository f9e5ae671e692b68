import { KatalogSpec, KatalogStatus } from './katalog.ts';
import { KomposerSpec, KomposerStatus } from './komposer.ts';
import { CRD_DESCRIPTION, type TSchema } from './schema.ts';

export const GROUP = 'orkestra.orkspace.io';
export const VERSION = 'v1alpha1';

/** Who reads the schema: the API server (and `kubectl explain`), or docs/reference/ with every description. */
export type Audience = 'crd' | 'docs';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * Turns a TypeBox schema into the OpenAPI v3 subset a structural CRD schema accepts: unions of
 * literals become enums (CRDs reject `const`), and anything TypeBox keeps for itself is dropped.
 */
export function toStructural(schema: unknown, audience: Audience = 'crd'): Json {
  const recurse = (value: unknown) => toStructural(value, audience);
  if (Array.isArray(schema)) return schema.map(recurse);
  if (schema === null || typeof schema !== 'object') return schema as Json;
  const node = schema as Record<string, unknown>;
  const anyOf = node.anyOf;
  if (Array.isArray(anyOf) && anyOf.every((m) => typeof m === 'object' && m !== null && 'const' in m)) {
    const values = anyOf.map((m) => (m as { const: Json }).const);
    const { anyOf: _, ...rest } = node;
    return { type: typeof values[0], ...(recurse(rest) as object), enum: values };
  }
  if ('const' in node) {
    const { const: value, ...rest } = node;
    return { type: typeof value, ...(recurse(rest) as object), enum: [value as Json] };
  }
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('~') || key === '$id') continue;
    out[key] = recurse(value);
  }
  if (audience === 'crd' && typeof node[CRD_DESCRIPTION] === 'string') {
    if (node[CRD_DESCRIPTION]) out.description = node[CRD_DESCRIPTION];
    else delete out.description;
  }
  return out;
}

interface KindNames {
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly shortNames: readonly string[];
}

const BOX_COLUMNS: Json[] = [
  { name: 'Boxes', type: 'integer', jsonPath: '.status.boxCount', description: 'Boxes declared.' },
  { name: 'Running', type: 'integer', jsonPath: '.status.runningBoxes', description: 'Boxes Running.', priority: 1 },
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Reason', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].reason', priority: 1 },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

function crd(
  names: KindNames,
  description: string,
  spec: TSchema,
  status: TSchema,
  columns: Json[],
  audience: Audience,
): Json {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${names.plural}.${GROUP}`,
      labels: { 'app.kubernetes.io/name': 'orkestra', 'app.kubernetes.io/part-of': 'orkestra' },
    },
    spec: {
      group: GROUP,
      scope: 'Cluster',
      names: {
        kind: names.kind,
        listKind: `${names.kind}List`,
        plural: names.plural,
        singular: names.singular,
        shortNames: [...names.shortNames],
        categories: ['orkestra'],
      },
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: columns,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              description,
              required: ['spec'],
              properties: {
                apiVersion: { type: 'string', description: 'API version of this object.' },
                kind: { type: 'string', description: 'Kind of this object.' },
                metadata: {
                  type: 'object',
                  // Box names end up in label values and resource names; keep them short.
                  properties: { name: { type: 'string', maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' } },
                },
                spec: toStructural(spec, audience),
                status: toStructural(status, audience),
              },
            },
          },
        },
      ],
    },
  };
}

export function katalogCrd(audience: Audience = 'crd'): Json {
  return crd(
    { kind: 'Katalog', plural: 'katalogs', singular: 'katalog', shortNames: ['kat', 'kats'] },
    'Katalog lists CRDs and, for each, the operator box Orkestra runs for it.',
    KatalogSpec,
    KatalogStatus,
    BOX_COLUMNS,
    audience,
  );
}

export function komposerCrd(audience: Audience = 'crd'): Json {
  return crd(
    { kind: 'Komposer', plural: 'komposers', singular: 'komposer', shortNames: ['kmp'] },
    'Komposer composes Katalogs into one platform with per-environment overrides.',
    KomposerSpec,
    KomposerStatus,
    [
      { name: 'Imports', type: 'integer', jsonPath: '.status.importCount', description: 'Imports declared.' },
      ...BOX_COLUMNS,
    ],
    audience,
  );
}
