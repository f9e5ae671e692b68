// Orkestra's merge rules for Komposer overrides: maps are merged field by field, lists are
// replaced whole, scalars replace, and `null` deletes the field. The base is never modified.

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function mergeOverride<T>(base: T, override: unknown): T {
  if (!isMap(override) || !isMap(base)) return (override === undefined ? base : override) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete out[key];
    else if (value !== undefined) out[key] = isMap(value) && isMap(out[key]) ? mergeOverride(out[key], value) : value;
  }
  return out as T;
}
