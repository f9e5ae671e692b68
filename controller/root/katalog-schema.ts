// Validates a Katalog document the API server never saw (from a ConfigMap or an OCI artifact)
// against the schema the Katalog CRD carries, generated from api-types/, with ajv. Unknown fields
// are errors here: the API server would prune them silently, and a typo in an imported document
// must not vanish.
import { Ajv, type ErrorObject } from 'ajv';
import { GROUP, katalogCrd, VERSION } from '../../api-types/crd.ts';

export interface SchemaIssue {
  /** `spec.crds.web.operatorBox.reconcile.workers`, like kubectl's field paths. */
  readonly path: string;
  readonly message: string;
}

type Schema = Record<string, unknown>;

const isObject = (v: unknown): v is Schema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The structural schema as strict JSON Schema: objects with declared fields reject others. */
function strict(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strict);
  if (!isObject(node)) return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-kubernetes-') || key === 'description') continue;
    if (key === 'properties' && isObject(value))
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strict(v)]));
    else out[key] = key === 'enum' || key === 'required' ? value : strict(value);
  }
  if (node['x-kubernetes-int-or-string'] === true) out.type = ['integer', 'string'];
  if (node.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  delete out.nullable;
  if (
    isObject(node.properties) &&
    node['x-kubernetes-preserve-unknown-fields'] !== true &&
    !('additionalProperties' in node)
  )
    out.additionalProperties = false;
  return out;
}

function katalogSchema(): Schema {
  const crd = katalogCrd() as { spec: { versions: { schema: { openAPIV3Schema: Schema } }[] } };
  const root = crd.spec.versions[0]?.schema.openAPIV3Schema as Schema;
  const properties = root.properties as Schema;
  // metadata is the API server's ObjectMeta; only the name is constrained here.
  return strict({
    ...root,
    properties: { ...properties, metadata: { type: 'object' }, status: { type: 'object' } },
  }) as Schema;
}

const ajv = new Ajv({ allErrors: true, strict: false });
let compiled: ReturnType<Ajv['compile']> | undefined;

function fieldPath(instancePath: string): string {
  return instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : acc ? `${acc}.${s}` : s), '');
}

function describe(e: ErrorObject): SchemaIssue {
  const base = fieldPath(e.instancePath);
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties')
    return {
      path: base ? `${base}.${String(p.additionalProperty)}` : String(p.additionalProperty),
      message: 'unknown field',
    };
  if (e.keyword === 'required')
    return {
      path: base ? `${base}.${String(p.missingProperty)}` : String(p.missingProperty),
      message: 'Required value',
    };
  if (e.keyword === 'enum')
    return {
      path: base,
      message: `Unsupported value: supported values: ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
    };
  return { path: base, message: e.message ?? e.keyword };
}

/** Schema problems of a document claimed to be a Katalog; empty when it is valid. */
export function validateKatalogDocument(doc: unknown): SchemaIssue[] {
  if (!isObject(doc)) return [{ path: '', message: 'expected a YAML mapping (a Katalog object)' }];
  const issues: SchemaIssue[] = [];
  if (doc.apiVersion !== `${GROUP}/${VERSION}`)
    issues.push({ path: 'apiVersion', message: `expected ${GROUP}/${VERSION}, got ${JSON.stringify(doc.apiVersion)}` });
  if (doc.kind !== 'Katalog')
    issues.push({ path: 'kind', message: `expected Katalog, got ${JSON.stringify(doc.kind)}` });
  compiled ??= ajv.compile(katalogSchema());
  if (!compiled(doc)) {
    const seen = new Set<string>();
    for (const e of compiled.errors ?? []) {
      // anyOf/oneOf report every branch; the branch errors carry the useful detail.
      if (e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'if') continue;
      const issue = describe(e);
      const key = `${issue.path}: ${issue.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        issues.push(issue);
      }
    }
  }
  return issues;
}

export function formatIssues(issues: readonly SchemaIssue[]): string {
  return issues.map((i) => `${i.path || '(document)'}: ${i.message}`).join('; ');
}
