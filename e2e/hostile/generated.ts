// The generated half of the corpus: every typed field of the Katalog CRD, and of the typed custom
// resource kind, given a value of another type (wrong-types.ts). The API server rejects each
// naming the field; `orkestra validate` names the same field.
import { katalogCrd } from '../../api-types/crd.ts';
import type { HostileCase } from './corpus.ts';
import { customResource, hostileKatalog, typedCrd } from './kinds.ts';
import { type Segment, wrongTypeDocuments } from './wrong-types.ts';

type Schema = Record<string, unknown>;

const openApi = (crd: unknown) =>
  (crd as { spec: { versions: { schema: { openAPIV3Schema: Schema } }[] } }).spec.versions[0]?.schema
    .openAPIV3Schema as Schema;

/** `spec.crds.shop.when[0]`, as `orkestra validate` prints a field. */
export function dotted(path: readonly Segment[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

const SEED = 14;

function cases(docs: ReturnType<typeof wrongTypeDocuments>, label: string, category: HostileCase['category']) {
  return docs.map(
    ({ field, value, doc }, i): HostileCase => ({
      name: `${label} #${i}: ${dotted(field.path)} (${field.type}) is ${JSON.stringify(value)}`,
      category,
      ...(category === 'wrong type in a Katalog' ? { katalog: doc as Schema } : { cr: doc as Schema }),
      sees: 'admission denial',
      expect: { field: dotted(field.path), message: new RegExp(`must be of type ${field.type}`) },
    }),
  );
}

/** Katalogs, each with one field of the wrong type; status is left out (the API server ignores it on create). */
export function wrongTypeKatalogs(): HostileCase[] {
  const schema = openApi(katalogCrd());
  const specOnly = { ...schema, properties: { spec: (schema.properties as Schema).spec } };
  return cases(
    wrongTypeDocuments(hostileKatalog('hostile-wrong-type', 'Shop'), specOnly, 'shop', SEED),
    'Katalog',
    'wrong type in a Katalog',
  ).map((c, i) => ({
    ...c,
    katalog: { ...(c.katalog as Schema), metadata: { name: `hostile-wrong-type-${i}` } },
  }));
}

/** Custom resources of the typed kind, each with one spec field of the wrong type. */
export function wrongTypeResources(kind: string, namespace: string): HostileCase[] {
  const schema = openApi(typedCrd(kind));
  const specOnly = { ...schema, properties: { spec: (schema.properties as Schema).spec } };
  const base = customResource(kind, 'wrong-type', namespace, { name: 'aaa' });
  return cases(wrongTypeDocuments(base, specOnly, 'key', SEED), kind, 'wrong type in a custom resource').map(
    (c, i) => ({
      ...c,
      cr: { ...(c.cr as Schema), metadata: { name: `wrong-type-${i}`, namespace } },
    }),
  );
}
