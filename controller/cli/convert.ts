// `orkestra convert`: an Orkestra file-format Katalog (apiVersion orkestra.orkspace.io/v1) into
// this CRD's shape. The file format keeps the same field names, so most of a box carries over
// as is; what differs is moved, and whatever this CRD has no field for is reported, never
// dropped silently:
//   - apiVersion orkestra.orkspace.io/v1 → orkestra.orkspace.io/v1alpha1; the boxes move from a
//     top-level `crds` (the flat file) or stay under `spec.crds`; top-level description and
//     finalizers move under spec; metadata keeps name, labels and annotations;
//   - the older box layout: operatorBox.reconciler → operatorBox.reconcile (resyncPeriod →
//     resync, maxConcurrentReconciles → workers), and operatorBox.{finalizers,
//     allowedNamespaces, restrictedNamespaces} → operatorBox.runtime.*;
//   - anything else the CRD schema does not declare is removed and reported with its path.
import { stringify } from 'yaml';
import { GROUP, katalogCrd, VERSION } from '../../api-types/crd.ts';
import { type PathSegment, readDocuments } from './documents.ts';
import { formatPath } from './findings.ts';
import { checkAgainstSchema } from './openapi-check.ts';
import { CliError, EXIT_FINDINGS, EXIT_USAGE } from './terminal.ts';

type Obj = Record<string, unknown>;

export interface Note {
  readonly path: string;
  readonly message: string;
}

export interface Conversion {
  readonly katalog: Obj;
  /** Fields moved or renamed, old path → new path. */
  readonly moved: readonly Note[];
  /** Fields that could not be carried over, with why. */
  readonly dropped: readonly Note[];
  /** Carried over, but the result does not validate there (e.g. a value out of range). */
  readonly invalid: readonly Note[];
}

export const UPSTREAM_API_VERSION = `${GROUP}/v1`;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const KATALOG_SCHEMA = (katalogCrd() as { spec: { versions: { schema: { openAPIV3Schema: Obj } }[] } }).spec.versions[0]
  ?.schema.openAPIV3Schema as Obj;

/** Moves obj[from] to target[to] (when present), noting the move. */
function move(obj: Obj, from: string, target: Obj, to: string, notes: Note[], fromPath: string, toPath: string) {
  if (!(from in obj)) return;
  target[to] = obj[from];
  if (obj !== target || from !== to) delete obj[from];
  notes.push({ path: fromPath, message: `moved to ${toPath}` });
}

function convertBox(name: string, box: Obj, moved: Note[]): Obj {
  const out = structuredClone(box);
  const base = `spec.crds.${name}.operatorBox`;
  const op = out.operatorBox;
  if (!isObject(op)) return out;
  if (isObject(op.reconciler)) {
    const reconcile = op.reconciler;
    move(
      reconcile,
      'resyncPeriod',
      reconcile,
      'resync',
      moved,
      `${base}.reconciler.resyncPeriod`,
      `${base}.reconcile.resync`,
    );
    move(
      reconcile,
      'maxConcurrentReconciles',
      reconcile,
      'workers',
      moved,
      `${base}.reconciler.maxConcurrentReconciles`,
      `${base}.reconcile.workers`,
    );
    move(op, 'reconciler', op, 'reconcile', moved, `${base}.reconciler`, `${base}.reconcile`);
  }
  for (const key of ['finalizers', 'allowedNamespaces', 'restrictedNamespaces']) {
    if (!(key in op)) continue;
    const runtime = isObject(op.runtime) ? op.runtime : {};
    op.runtime = runtime;
    move(op, key, runtime, key, moved, `${base}.${key}`, `${base}.runtime.${key}`);
  }
  return out;
}

function removeAt(root: Obj, path: readonly PathSegment[]) {
  let node: unknown = root;
  for (const segment of path.slice(0, -1)) node = (node as Record<string | number, unknown> | undefined)?.[segment];
  const last = path[path.length - 1];
  if (isObject(node) && last !== undefined) delete node[String(last)];
}

export function convertKatalog(upstream: Obj): Conversion {
  const moved: Note[] = [];
  const dropped: Note[] = [];
  const metadata = isObject(upstream.metadata) ? upstream.metadata : {};
  const spec: Obj = isObject(upstream.spec) ? structuredClone(upstream.spec) : {};
  for (const key of ['crds', 'description', 'finalizers', 'onDelete']) {
    if (key in upstream) move(structuredClone(upstream), key, spec, key, moved, key, `spec.${key}`);
  }
  const crds = isObject(spec.crds) ? spec.crds : {};
  spec.crds = Object.fromEntries(
    Object.entries(crds).map(([name, box]) => [name, isObject(box) ? convertBox(name, box, moved) : box]),
  );
  const katalog: Obj = {
    apiVersion: `${GROUP}/${VERSION}`,
    kind: 'Katalog',
    metadata: Object.fromEntries(
      Object.entries(metadata).filter(([k]) => ['name', 'labels', 'annotations'].includes(k)),
    ),
    spec,
  };
  for (const key of Object.keys(metadata)) {
    if (!['name', 'labels', 'annotations'].includes(key)) {
      dropped.push({ path: `metadata.${key}`, message: 'a Katalog is cluster-scoped' });
    }
  }
  for (const key of Object.keys(upstream)) {
    if (!['apiVersion', 'kind', 'metadata', 'spec', 'crds', 'description', 'finalizers', 'onDelete'].includes(key)) {
      dropped.push({ path: key, message: 'no such field in the Katalog CRD' });
    }
  }
  // Whatever the schema does not declare cannot be carried over: remove it, say where it was.
  const invalid: Note[] = [];
  for (const issue of checkAgainstSchema(KATALOG_SCHEMA, katalog)) {
    if (issue.message === 'field not declared in schema') {
      removeAt(katalog, issue.path);
      dropped.push({ path: formatPath(issue.path), message: 'no such field in the Katalog CRD' });
    }
  }
  for (const issue of checkAgainstSchema(KATALOG_SCHEMA, katalog)) {
    invalid.push({ path: formatPath(issue.path), message: issue.message });
  }
  return { katalog, moved, dropped, invalid };
}

/** The report printed on stderr: one line per field that did not carry over or does not validate. */
export function conversionReport(c: Conversion): string {
  return [
    ...c.dropped.map((n) => `warning: ${n.path}: not carried over: ${n.message}`),
    ...c.invalid.map((n) => `warning: ${n.path}: carried over but invalid: ${n.message}`),
  ]
    .map((l) => `${l}\n`)
    .join('');
}

export function convertCommand(file: string, options: { output: 'yaml' | 'json' }): void {
  const docs = readDocuments([file]);
  if (docs.length === 0) throw new CliError(`${file} holds no document`, EXIT_USAGE);
  const out: Obj[] = [];
  let incomplete = false;
  for (const doc of docs) {
    const value = doc.value;
    if (!isObject(value) || value.kind !== 'Katalog' || value.apiVersion !== UPSTREAM_API_VERSION) {
      throw new CliError(
        `${file} (document ${doc.index}) is not a file-format Katalog (apiVersion ${UPSTREAM_API_VERSION}, kind Katalog)`,
        EXIT_USAGE,
      );
    }
    const c = convertKatalog(value);
    process.stderr.write(conversionReport(c));
    incomplete ||= c.dropped.length > 0 || c.invalid.length > 0;
    out.push(c.katalog);
  }
  process.stdout.write(
    options.output === 'json'
      ? `${JSON.stringify(out.length === 1 ? out[0] : { apiVersion: 'v1', kind: 'List', items: out }, null, 2)}\n`
      : out.map((k) => stringify(k)).join('---\n'),
  );
  // Like validate: a script must notice that the result is not the whole of the input.
  if (incomplete) process.exitCode = EXIT_FINDINGS;
}
