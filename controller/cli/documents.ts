// YAML (or JSON) documents read from files, directories or stdin, each kept with its parse tree so
// a finding about a field path can point at the line and column where that field is written.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import { CliError, EXIT_USAGE } from './terminal.ts';

/** One step of a field path: a map key or a list index. */
export type PathSegment = string | number;

export interface SourceDocument {
  /** The file as given (`-` for stdin). */
  readonly file: string;
  /** 0-based index of the document in its file. */
  readonly index: number;
  /** The document as plain JSON (undefined for an empty document). */
  readonly value: unknown;
  /** YAML syntax errors; a document with errors has no reliable value. */
  readonly syntaxErrors: readonly { readonly message: string; readonly line: number; readonly column: number }[];
  /** 1-based line and column where the field at `path` (or its nearest written ancestor) starts. */
  readonly locate: (path: readonly PathSegment[]) => { readonly line: number; readonly column: number };
}

const YAML_FILE = /\.(ya?ml|json)$/i;

/** Files to read for a FILE|DIR|- argument: a directory contributes its YAML and JSON files, recursively, sorted. */
export function expandInputs(inputs: readonly string[]): string[] {
  const files: string[] = [];
  const visit = (path: string, explicit: boolean) => {
    if (path === '-') {
      files.push(path);
      return;
    }
    let stat: ReturnType<typeof statSync>;
    try {
      stat = statSync(path);
    } catch {
      throw new CliError(`the path "${path}" does not exist`, EXIT_USAGE);
    }
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) visit(join(path, name), false);
    } else if (explicit || YAML_FILE.test(path)) {
      files.push(path);
    }
  };
  for (const input of inputs) visit(input, true);
  return files;
}

function readInput(file: string): string {
  try {
    return readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read "${file}": ${(err as Error).message}`, EXIT_USAGE);
  }
}

function nodeAt(doc: Document, path: readonly PathSegment[]): Node | undefined {
  let node: unknown = doc.contents;
  let found: Node | undefined = doc.contents ?? undefined;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) return found;
      // The key is where a reader looks for a field; the value node is kept for descending.
      found = (pair.key as Node | null) ?? found;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as Node | undefined;
      if (!item) return found;
      found = item;
      node = item;
    } else {
      return found;
    }
  }
  return found;
}

// The parser repeats some errors and appends "at line L, column C:" (the finding carries the position).
function syntaxErrors(doc: Document, position: (offset: number) => { line: number; column: number }) {
  const seen = new Set<string>();
  return doc.errors.flatMap((e) => {
    const message = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    const at = position(e.pos[0]);
    const key = `${at.line}:${at.column}:${message}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ message, ...at }];
  });
}

// toJS throws on an alias bomb ("Excessive alias count"): that is a finding about the document,
// not a crash of the command.
function documentValue(doc: Document, position: (offset: number) => { line: number; column: number }) {
  if (doc.errors.length > 0) return { value: undefined, syntaxErrors: syntaxErrors(doc, position) };
  try {
    return { value: doc.toJS({ maxAliasCount: 100 }) as unknown, syntaxErrors: [] };
  } catch (err) {
    return { value: undefined, syntaxErrors: [{ message: (err as Error).message, ...position(0) }] };
  }
}

/** Parses one file's text into its documents. */
export function parseDocuments(file: string, text: string): SourceDocument[] {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [];
  const position = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  return list
    .map((doc, index) => ({ doc, index }))
    .filter(({ doc }) => doc.contents !== null || doc.errors.length > 0)
    .map(({ doc, index }) => ({
      file,
      index,
      ...documentValue(doc, position),
      locate: (path) => position(nodeAt(doc, path)?.range?.[0] ?? doc.contents?.range?.[0] ?? 0),
    }));
}

/** Reads and parses every document of the inputs, in order. */
export function readDocuments(inputs: readonly string[]): SourceDocument[] {
  return expandInputs(inputs).flatMap((file) => parseDocuments(file, readInput(file)));
}

/** The objects of the documents, the items of a `kind: List` (what `kubectl get -o yaml` prints) included. */
export function objectsOf(documents: readonly SourceDocument[]): unknown[] {
  return documents.flatMap((d) => {
    const v = d.value as { kind?: unknown; items?: unknown } | undefined;
    return v?.kind === 'List' && Array.isArray(v.items) ? v.items : [d.value];
  });
}
