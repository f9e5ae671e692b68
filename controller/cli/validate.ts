// `orkestra validate`: Katalogs and Komposers against the generated CRD schema and the
// controller's loader; custom resources against their CRD's schema and their box's admission
// rules. Offline: CRDs and Katalogs come from files.
import type { Box } from '../../api-types/box.ts';
import { GROUP, katalogCrd, komposerCrd, VERSION } from '../../api-types/crd.ts';
import type { Katalog } from '../../api-types/katalog.ts';
import { compileBoxCached } from '../box/compiled-box.ts';
import type { KubeObject } from '../kube/object.ts';
import { applyMutations, validate } from '../reconcile/admission-rules.ts';
import { type PathSegment, readDocuments, type SourceDocument } from './documents.ts';
import { type Finding, formatFindings, formatPath, type Issue, type OutputFormat } from './findings.ts';
import { checkKatalogs, compileCheck } from './katalog-check.ts';
import { splitApiVersion } from './kinds.ts';
import { checkAgainstSchema } from './openapi-check.ts';
import { colourEnabled, EXIT_FINDINGS, palette } from './terminal.ts';

type Schema = Record<string, unknown>;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function openApiSchema(crd: unknown, version?: string): Schema | undefined {
  const versions = ((crd as { spec?: { versions?: unknown[] } }).spec?.versions ?? []) as {
    name: string;
    served?: boolean;
    schema?: { openAPIV3Schema?: Schema };
  }[];
  const v = version === undefined ? versions[0] : versions.find((x) => x.name === version && x.served !== false);
  return v?.schema?.openAPIV3Schema;
}

const ORKESTRA_SCHEMAS: Record<string, Schema> = {
  Katalog: openApiSchema(katalogCrd()) as Schema,
  Komposer: openApiSchema(komposerCrd()) as Schema,
};

export interface Inputs {
  /** The documents to validate. */
  readonly documents: readonly SourceDocument[];
  /** CustomResourceDefinitions for custom resources (besides any among the documents). */
  readonly crds: readonly unknown[];
  /** Katalogs whose admission rules apply to custom resources (besides any among the documents). */
  readonly katalogs: readonly unknown[];
}

const isKind = (v: unknown, apiVersion: string, kind: string) =>
  isObject(v) && v.apiVersion === apiVersion && v.kind === kind;
const isCrd = (v: unknown) => isKind(v, 'apiextensions.k8s.io/v1', 'CustomResourceDefinition');
const isKatalog = (v: unknown) => isKind(v, `${GROUP}/${VERSION}`, 'Katalog');

// Built-in API groups have no dot (apps, batch) or end in .k8s.io; their schemas are the API server's.
function isBuiltIn(group: string): boolean {
  return group === '' || !group.includes('.') || group.endsWith('.k8s.io');
}

function boxFor(katalogs: readonly Katalog[], group: string, kind: string): { name: string; box: Box } | undefined {
  for (const k of katalogs) {
    for (const [name, box] of Object.entries(k.spec?.crds ?? {})) {
      if (box.apiTypes?.group === group && box.apiTypes.kind === kind && box.enabled !== false) return { name, box };
    }
  }
  return undefined;
}

/** A custom resource against its box's admission rules, as the webhook and the reconciler judge it. */
function admissionIssues(box: { name: string; box: Box }, cr: KubeObject): Issue[] {
  if (compileCheck(box.name, box.box) !== undefined) return []; // the Katalog's own findings say why
  const compiled = compileBoxCached(box.name, box.box);
  const dataOf = (obj: KubeObject) => ({ metadata: obj.metadata, spec: obj.spec ?? {}, status: obj.status ?? {} });
  const mutated = applyMutations(compiled, cr as KubeObject & Record<string, unknown>, dataOf);
  const issues: Issue[] = [];
  for (const rule of compiled.validation) {
    const verdict = validate({ ...compiled, validation: [rule] }, mutated);
    const path = (rule.field ?? []).map((s) => ('key' in s ? s.key : s.index));
    for (const m of verdict.denied) issues.push({ path, message: `denied by box ${box.name}: ${m}` });
    for (const m of verdict.warnings)
      issues.push({ path, message: `box ${box.name} warns: ${m}`, severity: 'warning' });
  }
  return issues;
}

function documentIssues(value: unknown, crds: readonly unknown[], katalogs: readonly Katalog[]): Issue[] {
  if (!isObject(value)) return [{ path: [], message: 'a document must be a Kubernetes object (a YAML mapping)' }];
  const missing = (['apiVersion', 'kind'] as const).filter((k) => typeof value[k] !== 'string' || value[k] === '');
  if (missing.length > 0) return missing.map((k) => ({ path: [k], message: 'Required value' }));
  const apiVersion = value.apiVersion as string;
  const kind = value.kind as string;
  const { group, version } = splitApiVersion(apiVersion);
  if (group === GROUP) {
    if (version !== VERSION) {
      return [
        {
          path: ['apiVersion'],
          message: `Unsupported value: "${apiVersion}": supported values: "${GROUP}/${VERSION}" (an Orkestra file-format Katalog? run: orkestra convert FILE)`,
        },
      ];
    }
    const schema = ORKESTRA_SCHEMAS[kind];
    if (!schema)
      return [{ path: ['kind'], message: `Unsupported value: "${kind}": supported values: "Katalog", "Komposer"` }];
    return checkAgainstSchema(schema, value);
  }
  if (isCrd(value)) return [];
  const crd = crds.find((c) => {
    const spec = (c as { spec?: { group?: string; names?: { kind?: string } } }).spec;
    return spec?.group === group && spec.names?.kind === kind;
  });
  if (!crd) {
    if (isBuiltIn(group)) return [];
    return [
      {
        path: ['kind'],
        message: `no CRD for ${kind}.${group} among the inputs; pass it with --crd to check this resource`,
        severity: 'warning',
      },
    ];
  }
  const schema = openApiSchema(crd, version);
  if (!schema) {
    return [{ path: ['apiVersion'], message: `the CRD for ${kind}.${group} does not serve version ${version}` }];
  }
  const issues = checkAgainstSchema(schema, value);
  const box = boxFor(katalogs, group, kind);
  if (issues.length === 0 && box) issues.push(...admissionIssues(box, value as KubeObject));
  return issues;
}

function finding(doc: SourceDocument, issue: Issue): Finding {
  return {
    file: doc.file,
    document: doc.index,
    field: formatPath(issue.path),
    message: issue.message,
    severity: issue.severity ?? 'error',
    ...doc.locate(issue.path as PathSegment[]),
  };
}

/** Every finding, in document order; each document's schema problems come before its semantic ones. */
export function validateDocuments(inputs: Inputs): Finding[] {
  const values = inputs.documents.map((d) => d.value);
  const crds = [...inputs.crds.filter(isCrd), ...values.filter(isCrd)];
  const katalogs = [...inputs.katalogs, ...values].filter(isKatalog) as Katalog[];
  const perDoc = inputs.documents.map((doc): Issue[] => {
    if (doc.syntaxErrors.length > 0) return [];
    return documentIssues(doc.value, crds, katalogs);
  });
  // The loader judges only Katalogs that pass the schema, as the API server would have stored only those.
  const loadable = inputs.documents
    .map((doc, i) => ({ doc, i }))
    .filter(({ doc, i }) => isKatalog(doc.value) && (perDoc[i] ?? []).every((x) => x.severity === 'warning'));
  const semantic = checkKatalogs(
    loadable.map(({ doc }) => doc.value as Katalog),
    crds as KubeObject[],
  );
  loadable.forEach(({ i }, n) => {
    perDoc[i]?.push(...(semantic[n] ?? []));
  });
  return inputs.documents.flatMap((doc, i) => [
    ...doc.syntaxErrors.map((e) => ({
      file: doc.file,
      document: doc.index,
      field: '',
      message: `YAML: ${e.message}`,
      severity: 'error' as const,
      line: e.line,
      column: e.column,
    })),
    ...(perDoc[i] ?? []).map((issue) => finding(doc, issue)),
  ]);
}

export interface ValidateOptions {
  readonly crd: readonly string[];
  readonly katalog: readonly string[];
  readonly output: OutputFormat;
}

/** The verb: prints findings to stdout and sets the exit status (1 when any is an error). */
export function validateCommand(paths: readonly string[], options: ValidateOptions): void {
  const documents = readDocuments(paths);
  const findings = validateDocuments({
    documents,
    crds: readDocuments(options.crd).map((d) => d.value),
    katalogs: readDocuments(options.katalog).map((d) => d.value),
  });
  process.stdout.write(formatFindings(findings, options.output, palette(colourEnabled(process.stdout))));
  const errors = findings.filter((f) => f.severity === 'error').length;
  if (options.output === 'text' && errors === 0) {
    process.stderr.write(`${documents.length} document(s) valid\n`);
  }
  if (errors > 0) process.exitCode = EXIT_FINDINGS;
}
