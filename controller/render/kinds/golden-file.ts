// Golden files for the renderer tests: `assertGolden` compares bytes, and with UPDATE_GOLDEN=1 in the
// environment it rewrites the file instead. The JSON is laid out the way Biome formats JSON (objects one key
// per line, lists of scalars on one line when they fit in 120 columns), so `biome check .` accepts the files
// as written.

import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const WIDTH = 120;
const INDENT = '  ';

/** One-line form of a value, or undefined when it must break (a non-empty object, or a list holding one). */
function inline(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    const parts = value.map(inline);
    if (parts.some((p) => p === undefined)) return undefined;
    return `[${parts.join(', ')}]`;
  }
  if (typeof value === 'object' && value !== null) return Object.keys(value).length === 0 ? '{}' : undefined;
  return JSON.stringify(value);
}

function format(value: unknown, depth: number, prefix: string, suffix: string): string {
  const indent = INDENT.repeat(depth);
  const flat = inline(value);
  if (flat !== undefined && indent.length + prefix.length + flat.length + suffix.length <= WIDTH) {
    return `${indent}${prefix}${flat}${suffix}`;
  }
  if (Array.isArray(value)) {
    const items = value.map((item, i) => format(item, depth + 1, '', i < value.length - 1 ? ',' : ''));
    return `${indent}${prefix}[\n${items.join('\n')}\n${indent}]${suffix}`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    const lines = entries.map(([k, v], i) =>
      format(v, depth + 1, `${JSON.stringify(k)}: `, i < entries.length - 1 ? ',' : ''),
    );
    return `${indent}${prefix}{\n${lines.join('\n')}\n${indent}}${suffix}`;
  }
  // A scalar too long for the line stays on it: there is nowhere to break.
  return `${indent}${prefix}${JSON.stringify(value)}${suffix}`;
}

/** Pretty JSON in Biome's layout, with a final newline. */
export function formatJson(value: unknown): string {
  return `${format(value, 0, '', '')}\n`;
}

/** Compares `actual` with the golden file byte for byte; UPDATE_GOLDEN=1 rewrites the file instead. */
export function assertGolden(file: URL, actual: string): void {
  const path = fileURLToPath(file);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(path, 'utf8');
  } catch {
    assert.fail(`golden file ${path} is missing; run the tests with UPDATE_GOLDEN=1 to create it`);
  }
  assert.equal(actual, expected, `output differs from ${path}; if the change is intended, rerun with UPDATE_GOLDEN=1`);
}
