// A Katalog document from outside the API server (a ConfigMap key, an OCI layer): parsed,
// refused when it is a Komposer, and validated against the Katalog CRD's schema with ajv,
// since no API server ever checked it. Errors name the field path.
import { parseAllDocuments } from 'yaml';
import type { Katalog } from '../../api-types/katalog.ts';
import { formatIssues, validateKatalogDocument } from './katalog-schema.ts';

export type ImportedDocument = { readonly katalog: Katalog } | { readonly error: string };

export function readImportedDocument(text: string): ImportedDocument {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.length !== 1) return { error: 'expected exactly one YAML document (a Katalog)' };
  const [doc] = docs;
  if (!doc || doc.errors.length > 0) return { error: `not valid YAML: ${doc?.errors[0]?.message ?? 'empty'}` };
  const value = doc.toJS() as unknown;
  if ((value as { kind?: unknown } | null)?.kind === 'Komposer')
    return { error: 'the document is a Komposer; a Komposer cannot import a Komposer (import its Katalogs instead)' };
  const issues = validateKatalogDocument(value);
  if (issues.length > 0) return { error: `not a valid Katalog: ${formatIssues(issues)}` };
  return { katalog: value as Katalog };
}
