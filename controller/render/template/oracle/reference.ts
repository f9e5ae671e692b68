/**
 * The generated parts of docs/templates.md: the function reference (every function, its
 * examples from the oracle corpus and the results this engine renders, which the oracle test
 * checks against Go), the refused functions and the deliberate differences.
 * `node controller/render/template/oracle/reference.ts --write` updates the document.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { renderText } from '../evaluate.ts';
import { FUNCTIONS } from '../functions.ts';
import { parse } from '../parser.ts';
import { REFUSED } from '../refused.ts';
import { CORPUS } from './corpus.ts';
import { DATASETS } from './datasets.ts';
import { DIFFERENCES } from './differences.ts';

export const DOC_PATH = fileURLToPath(new URL('../../../../docs/templates.md', import.meta.url));

/** A code span that survives a Markdown table: pipes escaped, backticks fenced. */
function code(text: string): string {
  const escaped = text.replaceAll('|', '\\|');
  return escaped.includes('`') ? `\`\` ${escaped} \`\`` : `\`${escaped}\``;
}

/** Results with line breaks, tabs, edge spaces or nothing at all are shown as JSON strings. */
function result(text: string): string {
  return /[\n\t]|^\s|\s$|^$/.test(text) ? code(JSON.stringify(text)) : code(text);
}

function render(template: string): string {
  try {
    return result(renderText(parse(template), structuredClone(DATASETS.cr)));
  } catch (error) {
    return `fails: ${code(error instanceof Error ? error.message : String(error))}`;
  }
}

/** A Markdown table with padded columns, as the repository's formatter (Biome) lays tables out. */
function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const width = (cell: string): number => Array.from(cell).length;
  const widths = header.map((h, i) => Math.max(3, width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((c, i) => c + ' '.repeat((widths[i] as number) - width(c))).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function functionTables(): string {
  const sections = new Map<string, string[][]>();
  for (const c of CORPUS) {
    if (c.doc === undefined) continue;
    const rows = sections.get(c.section ?? '') ?? [];
    const note = c.difference === undefined ? '' : ` (Orkestra only: ${DIFFERENCES[c.difference].title.toLowerCase()})`;
    rows.push([code(c.doc), code(c.template), `${render(c.template)}${note}`]);
    sections.set(c.section ?? '', rows);
  }
  const out: string[] = [];
  for (const [title, rows] of sections) {
    out.push(`### ${title}`, '', table(['function', 'example', 'result'], rows), '');
  }
  return out.join('\n');
}

function countLine(): string {
  const documented = new Set(CORPUS.map((c) => c.doc));
  const missing = [...FUNCTIONS.keys()].filter((f) => !documented.has(f));
  if (missing.length > 0) throw new Error(`functions without an example in oracle/corpus.ts: ${missing.join(', ')}`);
  return `${FUNCTIONS.size} functions, ${REFUSED.size} refused by name.\n`;
}

function refusedTable(): string {
  const rows = [...REFUSED].map(([name, why]) => [code(name), why]);
  return `${table(['function', 'why it is refused'], rows)}\n`;
}

function differencesTable(): string {
  const rows = Object.entries(DIFFERENCES).map(([name, d]) => {
    const examples = CORPUS.filter((c) => c.difference === name).map((c) => code(c.template));
    return [d.title, d.reason.replaceAll('|', '\\|'), examples.join('<br>')];
  });
  return `${table(['difference', 'why', 'corpus cases'], rows)}\n`;
}

function dataBlock(): string {
  return ['```yaml', stringify(DATASETS.cr, { lineWidth: 0 }).trimEnd(), '```', ''].join('\n');
}

export const GENERATED_SECTIONS: Readonly<Record<string, () => string>> = {
  count: countLine,
  data: dataBlock,
  functions: functionTables,
  refused: refusedTable,
  differences: differencesTable,
};

/** The document with every `<!-- generated:NAME -->...<!-- /generated:NAME -->` block regenerated. */
export function regenerate(doc: string): string {
  let out = doc;
  for (const [name, make] of Object.entries(GENERATED_SECTIONS)) {
    const start = `<!-- generated:${name} (oracle/reference.ts; do not edit) -->`;
    const end = `<!-- /generated:${name} -->`;
    const from = out.indexOf(start);
    const to = out.indexOf(end);
    if (from < 0 || to < from) throw new Error(`docs/templates.md: missing ${start} ... ${end}`);
    out = `${out.slice(0, from + start.length)}\n\n${make()}\n${out.slice(to)}`;
  }
  return out;
}

if (import.meta.main) {
  const current = await readFile(DOC_PATH, 'utf8');
  const next = regenerate(current);
  if (process.argv.includes('--write')) await writeFile(DOC_PATH, next);
  else if (next !== current) {
    console.error('docs/templates.md is out of date; run node controller/render/template/oracle/reference.ts --write');
    process.exit(1);
  }
}
