// The machinery every kind shares: read the entry, synthesize one object with cdk8s in memory (one App and
// one Chart per call, `chart.toJson()`, nothing written to disk), remove what cdk8s-plus injected that the
// entry did not ask for, write the fields cdk8s-plus cannot express verbatim, and put keys in a stable order.

import { type ApiObjectMetadata, App, Chart } from 'cdk8s';
import { type KubeManifest, RenderError, type RenderedEntry } from './model.ts';
import { FieldReader } from './reader.ts';

/** The fields every entry takes, read and checked. */
export interface Common {
  name: string;
  /** Absent when the entry's namespace rendered to "". */
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Something cdk8s-plus-28 emits on its own; removed from the output unless `keep` says the entry asked for it. */
export interface Injection<S> {
  /** JSON pointer (RFC 6901) of the field; a `*` token stands for every element of a list. */
  path: string;
  /** What cdk8s-plus-28 2.5.6 puts there (checked by the tests); absent when it varies (hashed labels). */
  value?: unknown;
  /** True when the entry set this field, so the value there is the entry's, not cdk8s-plus's. */
  keep?: (spec: S) => boolean;
}

export interface KindDefinition<S> {
  apiVersion: string;
  kind: string;
  /** Which cdk8s construct synthesizes the kind (documentation; index.ts has the full table). */
  via: string;
  /** Reads the kind's own fields (the common ones are already read and passed in). */
  parse(r: FieldReader, common: Common): S;
  /** Adds exactly one API object to the chart. */
  build(chart: Chart, spec: S, common: Common): void;
  injected: readonly Injection<S>[];
  /** Writes fields cdk8s-plus cannot express verbatim, after the injections are removed. */
  finish?(manifest: KubeManifest, spec: S, common: Common): void;
}

export interface KindRenderer {
  readonly apiVersion: string;
  readonly kind: string;
  readonly via: string;
  /** What cdk8s-plus injects that render() removes (pointers may hold `*`), as declared by the kind. */
  readonly injected: readonly { path: string; value?: unknown }[];
  render(entry: RenderedEntry): KubeManifest;
  /** The cdk8s output before any clean-up, and the injections render() removes from it. For tests. */
  inspect(entry: RenderedEntry): { raw: KubeManifest; removed: { path: string; value?: unknown }[] };
}

/** Fields the reconciler consumes before rendering; tolerated if a caller passes them along anyway. */
const GATE_FIELDS = ['when', 'or', 'forEach', 'reconcile'] as const;

function readCommon(r: FieldReader): Common {
  const name = r.str('name');
  const namespace = r.optStr('namespace');
  const labels = r.optStringMap('labels');
  const annotations = r.optStringMap('annotations');
  const common: Common = { name };
  if (namespace !== undefined) common.namespace = namespace;
  if (labels && Object.keys(labels).length > 0) common.labels = labels;
  if (annotations && Object.keys(annotations).length > 0) common.annotations = annotations;
  return common;
}

/** Object metadata exactly as the entry gave it. */
export function metadataOf(common: Common): ApiObjectMetadata {
  return { ...common };
}

/** A chart that is never synthesized: a home for constructs cdk8s-plus needs as references only. */
export function scratchChart(chart: Chart): Chart {
  const app = chart.node.scope;
  if (!app) throw new Error('chart has no app');
  return new Chart(app, 'unsynthesized');
}

function synthesize<S>(def: KindDefinition<S>, spec: S, common: Common): KubeManifest {
  const app = new App();
  // No hashed names: every object gets an explicit metadata.name anyway.
  const chart = new Chart(app, 'orkestra', { disableResourceNameHashes: true });
  def.build(chart, spec, common);
  const objects = chart.toJson() as KubeManifest[];
  const [object] = objects;
  if (objects.length !== 1 || !object) {
    throw new Error(`renderer for ${def.kind} synthesized ${objects.length} objects, expected one`);
  }
  if (object.apiVersion !== def.apiVersion || object.kind !== def.kind) {
    throw new Error(`renderer for ${def.kind} synthesized ${object.apiVersion} ${object.kind}`);
  }
  return object;
}

export function defineKind<S>(def: KindDefinition<S>): KindRenderer {
  function prepare(entry: RenderedEntry): { spec: S; common: Common } {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new RenderError('(entry)', 'expected an object');
    }
    const r = new FieldReader(entry);
    const common = readCommon(r);
    const spec = def.parse(r, common);
    r.done(GATE_FIELDS);
    return { spec, common };
  }
  /** The injections to remove for this entry, `*` expanded against the synthesized object. */
  function removable(spec: S, manifest: KubeManifest): { path: string; value?: unknown }[] {
    return def.injected
      .filter((i) => !i.keep?.(spec))
      .flatMap(({ path, value }) =>
        expandPointer(manifest, path).map((p) => (value === undefined ? { path: p } : { path: p, value })),
      );
  }
  return {
    apiVersion: def.apiVersion,
    kind: def.kind,
    via: def.via,
    injected: def.injected.map(({ path, value }) => (value === undefined ? { path } : { path, value })),
    render(entry) {
      const { spec, common } = prepare(entry);
      const manifest = synthesize(def, spec, common);
      for (const injection of removable(spec, manifest)) removePointer(manifest, injection.path);
      def.finish?.(manifest, spec, common);
      return canonical(manifest);
    },
    inspect(entry) {
      const { spec, common } = prepare(entry);
      const raw = synthesize(def, spec, common);
      return { raw, removed: removable(spec, raw) };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// JSON pointers and key order

function unescapeToken(token: string): string {
  return token.replaceAll('~1', '/').replaceAll('~0', '~');
}

/** Escapes a key (e.g. a label name) for use in a JSON pointer. */
export function pointerToken(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

function parent(root: unknown, pointer: string): { container: Record<string, unknown>; key: string } | undefined {
  const tokens = pointer.split('/').slice(1).map(unescapeToken);
  const key = tokens.pop();
  if (key === undefined) return undefined;
  let node: unknown = root;
  for (const token of tokens) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  if (typeof node !== 'object' || node === null) return undefined;
  return { container: node as Record<string, unknown>, key };
}

/** The concrete pointers a pointer with `*` tokens (every element of a list) stands for in `root`. */
export function expandPointer(root: unknown, pointer: string): string[] {
  const star = pointer.indexOf('/*');
  if (star < 0 || (pointer[star + 2] !== undefined && pointer[star + 2] !== '/')) return [pointer];
  const head = pointer.slice(0, star);
  const tail = pointer.slice(star + 2);
  const list = head === '' ? root : getPointer(root, head);
  if (!Array.isArray(list)) return [];
  return list.flatMap((_, i) => expandPointer(root, `${head}/${i}${tail}`));
}

export function getPointer(root: unknown, pointer: string): unknown {
  const p = parent(root, pointer);
  return p && Object.hasOwn(p.container, p.key) ? p.container[p.key] : undefined;
}

export function hasPointer(root: unknown, pointer: string): boolean {
  const p = parent(root, pointer);
  return p !== undefined && Object.hasOwn(p.container, p.key);
}

/** Deletes the field at `pointer` (an object key; array elements are never removed this way). */
export function removePointer(root: unknown, pointer: string): void {
  const p = parent(root, pointer);
  if (p && !Array.isArray(p.container)) delete p.container[p.key];
}

/** Sets the field at `pointer`, creating objects on the way. */
export function setPointer(root: Record<string, unknown>, pointer: string, value: unknown): void {
  const tokens = pointer.split('/').slice(1).map(unescapeToken);
  const key = tokens.pop();
  if (key === undefined) return;
  let node: Record<string, unknown> = root;
  for (const token of tokens) {
    const next = node[token];
    if (typeof next !== 'object' || next === null) node[token] = {};
    node = node[token] as Record<string, unknown>;
  }
  node[key] = value;
}

const HEADER = ['apiVersion', 'kind', 'metadata'];

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort(byCodeUnit)) {
    out[key] = sortKeys((value as Record<string, unknown>)[key]);
  }
  return out;
}

/** apiVersion, kind, metadata, then the rest; every object's keys sorted (what cdk8s does, kept after edits). */
export function canonical(manifest: KubeManifest): KubeManifest {
  const sorted = sortKeys(manifest) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of HEADER) if (key in sorted) out[key] = sorted[key];
  for (const [key, value] of Object.entries(sorted)) if (!HEADER.includes(key)) out[key] = value;
  return out as KubeManifest;
}
