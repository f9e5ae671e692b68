// Declarative conversion between served versions of a custom resource (admission.conversion.paths).
// A path's `spec` (and optional `status`) are templates over the source object; `metadata` and any
// other top-level field are carried over untouched, and without a `status` template the status is
// carried over as is. A field whose template reads a path the source lacks is left out of the
// target, so optional fields stay optional across versions; any other template error fails the
// conversion and names the path.
import { type CompiledValue, compileValue, TemplateError } from '../render/template/index.ts';
import { conversionRoute } from './conversion-route.ts';

export interface CompiledConversionPath {
  readonly where: string;
  readonly from: string;
  readonly to: string;
  readonly spec: CompiledValue;
  /** Undefined: the status is carried over as is. */
  readonly status: CompiledValue | undefined;
}

const OMIT = Symbol('omit');

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** compileValue per leaf, where a leaf whose template reads a missing path renders as OMIT. */
function compileLenient(value: unknown, where: string): CompiledValue {
  if (Array.isArray(value)) {
    const items = value.map((item, i) => compileLenient(item, `${where}[${i}]`));
    return {
      isStatic: false,
      render: (data) => items.map((item) => item.render(data)).filter((v) => v !== OMIT),
    };
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value).map(([k, v]) => [k, compileLenient(v, `${where}.${k}`)] as const);
    return {
      isStatic: false,
      render: (data) => {
        const out: Record<string, unknown> = {};
        for (const [k, item] of entries) {
          const v = item.render(data);
          if (v !== OMIT) out[k] = v;
        }
        return out;
      },
    };
  }
  const leaf = compileValue(value, where);
  return {
    isStatic: leaf.isStatic,
    render: (data) => {
      try {
        return leaf.render(data);
      } catch (err) {
        if (err instanceof TemplateError && err.missingPath !== undefined) return OMIT;
        throw err;
      }
    },
  };
}

export function compileConversionPath(
  path: { from: string; to: string; spec: Record<string, unknown>; status?: Record<string, unknown> },
  where: string,
): CompiledConversionPath {
  return {
    where,
    from: path.from,
    to: path.to,
    spec: compileLenient(path.spec, `${where}.spec`),
    status: path.status === undefined ? undefined : compileLenient(path.status, `${where}.status`),
  };
}

export interface Convertible {
  apiVersion: string;
  kind?: string;
  metadata?: unknown;
  spec?: unknown;
  status?: unknown;
  [field: string]: unknown;
}

function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function step(path: CompiledConversionPath, object: Convertible, apiVersion: string): Convertible {
  const data = {
    metadata: object.metadata ?? {},
    spec: object.spec ?? {},
    status: object.status ?? {},
  };
  const { spec: _spec, status, apiVersion: _v, ...rest } = object;
  const out: Convertible = { ...rest, apiVersion, spec: path.spec.render(data) };
  if (status !== undefined) out.status = path.status === undefined ? status : path.status.render(data);
  return out;
}

/**
 * Converts one object to `desiredVersion` along the shortest chain of paths. Throws an Error naming
 * the versions when no chain exists, or the template error of the failing path.
 */
export function convertObject(
  paths: readonly CompiledConversionPath[],
  object: Convertible,
  desiredVersion: string,
): Convertible {
  const { group, version } = splitApiVersion(object.apiVersion);
  const route = conversionRoute(paths, version, desiredVersion);
  if (route === undefined) throw new Error(`no conversion path from ${version} to ${desiredVersion}`);
  let current = object;
  for (const path of route) {
    current = step(path, current, group === '' ? path.to : `${group}/${path.to}`);
  }
  return current;
}
