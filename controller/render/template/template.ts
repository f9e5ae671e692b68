import { MAX_SOURCE_BYTES, TemplateFailure, toTemplateError } from './errors.ts';
import { renderText, renderValue } from './evaluate.ts';
import { parse, type Tree } from './parser.ts';
import { cloneJson, isPlainObject, mapKeys } from './values.ts';

/** The data a template sees: `{ metadata, spec, status, children, item?, <forEach as>? }`. */
export type TemplateData = Record<string, unknown>;

export interface CompiledTemplate {
  readonly source: string;
  /**
   * Renders against `data`. A template that is exactly one action (`"{{ .spec.replicas }}"`, trim
   * markers allowed, no other text) returns the value with its JSON type; any other template returns
   * a string. Throws TemplateError.
   */
  render(data: TemplateData): unknown;
}

export interface CompiledValue {
  /** Renders every template inside the value; returns a fresh value of the same shape. */
  render(data: TemplateData): unknown;
  /** True when the value contains no template: render() returns a copy of the value. */
  readonly isStatic: boolean;
}

class Compiled implements CompiledTemplate {
  readonly source: string;
  readonly where: string;
  private readonly tree: Tree;

  constructor(source: string, where: string, tree: Tree) {
    this.source = source;
    this.where = where;
    this.tree = tree;
  }

  render(data: TemplateData): unknown {
    try {
      const { tree } = this;
      return tree.single !== null ? renderValue(tree, tree.single, data) : renderText(tree, data);
    } catch (error) {
      throw toTemplateError(error, this.where, this.source);
    }
  }
}

/**
 * Compiles Go text/template source once; render() never re-parses. `where` is the field path of the
 * template in the Katalog and prefixes every error message. Throws TemplateError for syntax errors,
 * unknown functions, wrong argument counts and undefined variables.
 */
export function compileTemplate(source: string, where: string): CompiledTemplate {
  try {
    const bytes = Buffer.byteLength(source, 'utf8');
    if (bytes > MAX_SOURCE_BYTES) {
      throw new TemplateFailure(0, `template is ${bytes} bytes, more than the ${MAX_SOURCE_BYTES} byte limit`);
    }
    return new Compiled(source, where, parse(source));
  } catch (error) {
    throw toTemplateError(error, where, source);
  }
}

function staticValue(value: unknown): CompiledValue {
  if (typeof value !== 'object' || value === null) return { isStatic: true, render: () => value };
  const copy = cloneJson(value);
  return { isStatic: true, render: () => cloneJson(copy) };
}

function child(where: string, key: string): string {
  return where === '' ? key : `${where}.${key}`;
}

/**
 * Walks a JSON value: every string containing "{{" becomes a template (compiled now, with `where`
 * extended by the key or index: `...data.index.html`, `...args[1]`), everything else is a literal.
 * Only values are templated, never object keys.
 */
export function compileValue(value: unknown, where: string): CompiledValue {
  if (typeof value === 'string') {
    if (!value.includes('{{')) return staticValue(value);
    const template = compileTemplate(value, where);
    return { isStatic: false, render: (data) => template.render(data) };
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => compileValue(item, `${where}[${i}]`));
    if (items.every((item) => item.isStatic)) return staticValue(value);
    return { isStatic: false, render: (data) => items.map((item) => item.render(data)) };
  }
  if (isPlainObject(value)) {
    const entries = mapKeys(value).map((key) => [key, compileValue(value[key], child(where, key))] as const);
    if (entries.every(([, item]) => item.isStatic)) return staticValue(value);
    return {
      isStatic: false,
      render: (data) => Object.fromEntries(entries.map(([key, item]) => [key, item.render(data)])),
    };
  }
  return staticValue(value);
}
