// The field reference in docs/reference/, rendered from the same structural schemas the CRDs carry,
// so what the documentation says a field takes is what the API server enforces.
import { katalogCrd, komposerCrd } from './crd.ts';

interface SchemaNode {
  readonly type?: string;
  readonly description?: string;
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly additionalProperties?: SchemaNode | boolean;
  readonly items?: SchemaNode;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly default?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly maxProperties?: number;
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-validations'?: readonly { readonly rule: string; readonly message?: string }[];
}

interface Row {
  readonly path: string;
  readonly type: string;
  readonly required: boolean;
  readonly text: string;
}

function typeOf(node: SchemaNode): string {
  if (node['x-kubernetes-int-or-string']) return 'integer or string';
  if (node.type === 'array') return `[]${node.items ? typeOf(node.items) : 'any'}`;
  if (node.type === 'object' && !node.properties && typeof node.additionalProperties === 'object') {
    return `map[string]${typeOf(node.additionalProperties)}`;
  }
  if (!node.type && node['x-kubernetes-preserve-unknown-fields']) return 'any';
  return node.type ?? 'any';
}

function constraints(node: SchemaNode): string[] {
  const out: string[] = [];
  if (node.enum) out.push(`one of ${node.enum.map((v) => `\`${String(v)}\``).join(', ')}`);
  if (node.default !== undefined) out.push(`default \`${JSON.stringify(node.default)}\``);
  if (node.minimum !== undefined) out.push(`≥ ${node.minimum}`);
  if (node.maximum !== undefined) out.push(`≤ ${node.maximum}`);
  if (node.minLength !== undefined) out.push(`at least ${node.minLength} characters`);
  if (node.maxLength !== undefined) out.push(`at most ${node.maxLength} characters`);
  if (node.minItems !== undefined) out.push(`at least ${node.minItems} items`);
  if (node.maxItems !== undefined) out.push(`at most ${node.maxItems} items`);
  if (node.maxProperties !== undefined) out.push(`at most ${node.maxProperties} entries`);
  if (node.pattern !== undefined) out.push(`matches \`${node.pattern.replaceAll('|', '\\|')}\``);
  for (const v of node['x-kubernetes-validations'] ?? []) if (v.message) out.push(`rule: ${v.message}`);
  return out;
}

function cell(text: string): string {
  return text.replaceAll('\n', ' ').replaceAll('|', '\\|');
}

/**
 * Walks a schema depth-first. A subtree identical to one already listed (the child kinds under
 * onCreate, onReconcile and onDelete groups) is listed once and referred to after that.
 */
function rows(root: SchemaNode, rootPath: string): Row[] {
  const out: Row[] = [];
  const seen = new Map<string, string>();
  const visit = (node: SchemaNode, path: string, required: boolean) => {
    const notes = constraints(node);
    const key = JSON.stringify(node);
    const earlier = (node.properties || node.items?.properties) && seen.get(key);
    if (earlier) notes.push(`same fields as \`${earlier}\``);
    out.push({
      path,
      type: typeOf(node),
      required,
      text: [node.description ?? '', ...notes].filter(Boolean).join(' — '),
    });
    if (earlier) return;
    if (node.properties || node.items?.properties) seen.set(key, path);
    const children = node.properties ?? {};
    for (const [name, child] of Object.entries(children)) {
      visit(child, `${path}.${name}`, node.required?.includes(name) ?? false);
    }
    if (node.items) visitElement(node.items, `${path}[]`);
    if (typeof node.additionalProperties === 'object') visitElement(node.additionalProperties, `${path}.<name>`);
  };
  // Elements of lists and maps are documented by their fields; the element row itself adds nothing.
  const visitElement = (node: SchemaNode, path: string) => {
    if (!node.properties) return;
    const key = JSON.stringify(node);
    const earlier = seen.get(key);
    if (earlier) {
      out.push({ path, type: typeOf(node), required: false, text: `same fields as \`${earlier}\`` });
      return;
    }
    seen.set(key, path);
    for (const [name, child] of Object.entries(node.properties)) {
      visit(child, `${path}.${name}`, node.required?.includes(name) ?? false);
    }
  };
  visit(root, rootPath, true);
  return out;
}

function page(kind: string, crd: unknown, intro: string): string {
  const versions = (crd as { spec: { versions: { name: string; schema: { openAPIV3Schema: SchemaNode } }[] } }).spec
    .versions;
  const version = versions[0];
  if (!version) throw new Error(`${kind} CRD has no version`);
  const schema = version.schema.openAPIV3Schema;
  const lines = [
    '<!-- Generated by api-types/reference.ts from api-types/*.ts. Do not edit; run `make gen`. -->',
    `# ${kind} field reference (\`orkestra.orkspace.io/${version.name}\`)`,
    '',
    intro,
    '',
  ];
  for (const part of ['spec', 'status'] as const) {
    const node = schema.properties?.[part];
    if (!node) continue;
    lines.push(`## ${part}`, '', '| field | type | required | description |', '| --- | --- | --- | --- |');
    for (const r of rows(node, part)) {
      lines.push(`| \`${r.path}\` | ${cell(r.type)} | ${r.required ? 'yes' : ''} | ${cell(r.text)} |`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** docs/reference/*.md by file name. */
export function generatedReference(): Record<string, string> {
  return {
    'katalog.md': page(
      'Katalog',
      katalogCrd('docs'),
      'Every field of a Katalog, as the API server validates it. `<name>` stands for a map key (a box name, a label key); `[]` for a list element. `kubectl explain katalog.spec --recursive` shows the same tree from a live cluster.',
    ),
    'komposer.md': page(
      'Komposer',
      komposerCrd('docs'),
      'Every field of a Komposer, as the API server validates it. `<name>` stands for a map key; `[]` for a list element.',
    ),
  };
}
