// A problem `orkestra validate` found, and the three ways it prints them: for people, for
// machines (JSON) and as GitHub Actions annotations.
import type { PathSegment } from './documents.ts';

export interface Issue {
  readonly path: readonly PathSegment[];
  readonly message: string;
  readonly severity?: 'error' | 'warning';
}

export interface Finding {
  readonly file: string;
  /** 0-based index of the YAML document in the file. */
  readonly document: number;
  /** Dotted field path as the API server writes it (`spec.crds.web.apiTypes.version`). */
  readonly field: string;
  readonly message: string;
  readonly severity: 'error' | 'warning';
  readonly line: number;
  readonly column: number;
}

const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/;

/** `spec.crds.web.when[0]`; keys that are not plain words are bracket-quoted: `labels["app.kubernetes.io/name"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

export type OutputFormat = 'text' | 'json' | 'github';

// GitHub workflow commands: properties escape , and : as well; the message escapes % and newlines.
function escapeData(s: string): string {
  return s.replaceAll('%', '%25').replaceAll('\r', '%0D').replaceAll('\n', '%0A');
}
function escapeProperty(s: string): string {
  return escapeData(s).replaceAll(':', '%3A').replaceAll(',', '%2C');
}

export interface Palette {
  readonly red: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly green: (s: string) => string;
}

export function formatFindings(findings: readonly Finding[], format: OutputFormat, palette: Palette): string {
  if (format === 'json') return `${JSON.stringify(findings, null, 2)}\n`;
  const lines = findings.map((f) => {
    const what = f.field === '' ? f.message : `${f.field}: ${f.message}`;
    if (format === 'github') {
      const props = `file=${escapeProperty(f.file)},line=${f.line},col=${f.column},title=${escapeProperty(`orkestra validate (document ${f.document})`)}`;
      return `::${f.severity} ${props}::${escapeData(what)}`;
    }
    const label = f.severity === 'error' ? palette.red('error') : palette.yellow('warning');
    return `${f.file}:${f.line}:${f.column}: ${label}: ${what} ${palette.dim(`(document ${f.document})`)}`;
  });
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
