import type { KubeObject } from '../../kube/object.ts';
// Types and constants shared by every kind renderer (re-exported by index.ts).

/** The shorthand child kinds, by the key a Katalog lists them under (api-types/children.ts `childKinds`). */
export const SHORTHAND_KINDS = [
  'deployments',
  'statefulSets',
  'jobs',
  'cronJobs',
  'services',
  'ingresses',
  'configMaps',
  'secrets',
  'serviceAccounts',
  'persistentVolumeClaims',
  'hpa',
  'pdb',
  'networkPolicies',
  'roles',
  'roleBindings',
] as const;
export type ShorthandKind = (typeof SHORTHAND_KINDS)[number];

/** Pod label every workload child carries, with the entry name as value; its selector is exactly this label. */
export const WORKLOAD_LABEL = 'orkestra.orkspace.io/workload';

/**
 * One shorthand entry after template rendering, minus when/or/forEach/reconcile. Values are plain JSON:
 * a field that is "exactly one {{ }}" keeps its type, anything else arrives as a string.
 */
export interface RenderedEntry {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

/** A rendered manifest: the same plain-JSON object shape the rest of the runtime handles. */
export type KubeManifest = KubeObject;

/** A rendered value has the wrong type or range; `field` is its path inside the entry (`replicas`, `env[1].value`). */
export class RenderError extends Error {
  /** Path of the offending field inside the entry, e.g. `replicas`, `env[1].name`, `labels.app`. */
  readonly field: string;
  /** What is wrong with it, without the field or the child named. */
  readonly detail: string;

  constructor(field: string, detail: string, context?: string) {
    super(`${context ? `${context}: ` : ''}${field}: ${detail}`);
    this.name = 'RenderError';
    this.field = field;
    this.detail = detail;
  }
}
