// JSON Schemas of whole Katalog and Komposer documents for editors (yaml-language-server, VS Code's
// YAML extension): the same TypeBox schemas the CRDs come from, wrapped with apiVersion, kind and
// metadata, and closed (additionalProperties: false) wherever the CRD prunes unknown fields, so a
// misspelt field is flagged while typing instead of silently dropped by the API server.
import { GROUP, VERSION } from './crd.ts';
import { KatalogSpec } from './katalog.ts';
import { KomposerSpec } from './komposer.ts';
import type { TSchema } from './schema.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Drops TypeBox's own keys and the CRD-only extensions; closes objects the API server would prune. */
export function toEditorSchema(schema: unknown): Json {
  if (Array.isArray(schema)) return schema.map(toEditorSchema);
  if (schema === null || typeof schema !== 'object') return schema as Json;
  const node = schema as Record<string, unknown>;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('~') || key === '$id' || key === 'x-kubernetes-validations') continue;
    out[key] = toEditorSchema(value);
  }
  const open = node['x-kubernetes-preserve-unknown-fields'] === true || 'additionalProperties' in node;
  if (node.type === 'object' && node.properties !== undefined && !open) out.additionalProperties = false;
  return out;
}

const metadata: Json = {
  type: 'object',
  description: 'Standard object metadata; the name is a lowercase RFC 1123 label of at most 63 characters.',
  required: ['name'],
  properties: {
    name: { type: 'string', maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

/** Subschemas at least this long (as JSON) that occur more than once become shared definitions. */
const SHARED_MIN_LENGTH = 400;

/**
 * Moves repeated subschemas into `definitions` and refers to them with `$ref`: TypeBox inlines
 * every use (the CRD must, structural schemas have no $ref), which makes the editor schema ten
 * times larger than it needs to be.
 */
function shareRepeated(root: Json): Json {
  /** Applies `f` to every subschema of `node` (not to data such as enum, required or default). */
  const mapSubschemas = (node: Json, f: (schema: Json) => Json): Json => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
    const out: Record<string, Json> = {};
    for (const [key, value] of Object.entries(node)) {
      if (SCHEMA_MAPS.has(key) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
        out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, f(v)]));
      } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
        out[key] = value.map(f);
      } else if (SCHEMA_VALUES.has(key)) {
        out[key] = f(value);
      } else {
        out[key] = value;
      }
    }
    return out;
  };
  const counts = new Map<string, number>();
  const count = (schema: Json): Json => {
    const text = JSON.stringify(schema);
    if (text.length >= SHARED_MIN_LENGTH) counts.set(text, (counts.get(text) ?? 0) + 1);
    return mapSubschemas(schema, count);
  };
  count(root);
  const names = new Map<string, string>();
  const definitions: Record<string, Json> = {};
  const rewrite = (schema: Json): Json => {
    const text = JSON.stringify(schema);
    if ((counts.get(text) ?? 0) < 2) return mapSubschemas(schema, rewrite);
    let name = names.get(text);
    if (name === undefined) {
      name = `s${names.size + 1}`;
      names.set(text, name);
      definitions[name] = mapSubschemas(schema, rewrite);
    }
    return { $ref: `#/definitions/${name}` };
  };
  const body = mapSubschemas(root, rewrite) as Record<string, Json>;
  return { ...body, definitions };
}

const SCHEMA_MAPS = new Set(['properties', 'patternProperties']);
const SCHEMA_LISTS = new Set(['anyOf', 'allOf', 'oneOf']);
const SCHEMA_VALUES = new Set(['items', 'additionalProperties', 'not']);

function documentSchema(kind: string, description: string, spec: TSchema): Json {
  return shareRepeated({
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: kind,
    description,
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: { type: 'string', enum: [`${GROUP}/${VERSION}`] },
      kind: { type: 'string', enum: [kind] },
      metadata,
      spec: toEditorSchema(spec),
      status: { type: 'object', description: 'Written by Orkestra.' },
    },
  });
}

export function katalogSchema(): Json {
  return documentSchema(
    'Katalog',
    'Katalog lists CRDs and, for each, the operator box Orkestra runs for it.',
    KatalogSpec,
  );
}

export function komposerSchema(): Json {
  return documentSchema(
    'Komposer',
    'Komposer composes Katalogs into one platform with per-environment overrides.',
    KomposerSpec,
  );
}

/** schemas/*.json, as `make gen` writes them. */
export function generatedSchemas(): Record<string, string> {
  const render = (doc: Json) => `${JSON.stringify(doc, null, 2)}\n`;
  return { 'katalog.json': render(katalogSchema()), 'komposer.json': render(komposerSchema()) };
}
