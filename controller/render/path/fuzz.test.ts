// Properties of the field-path grammar over generated input (fast-check): formatting and parsing
// are inverse, nothing ever reaches Object.prototype, reserved segments are always refused, quoted
// keys survive intact, and the parser accepts exactly what the CRD schema accepts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { FIELD_PATH, RESERVED_SEGMENT } from '../../../api-types/schema.ts';
import {
  FieldPathError,
  formatFieldPath,
  type PathSegment,
  parseFieldPath,
  RESERVED_SEGMENTS,
  readPath,
  setPath,
} from './index.ts';

const RUNS = { numRuns: 2000 };
const RESERVED = [...RESERVED_SEGMENTS];

const firstName = fc.stringMatching(/^[A-Za-z_$][A-Za-z0-9_$-]{0,8}$/);
const name = fc.stringMatching(/^[A-Za-z0-9_$-]{1,8}$/);
// Quoted keys: label/annotation-like keys, plus every character that is special in the grammar.
const quotedKey = fc.oneof(
  fc.stringMatching(/^([a-z0-9-]+\.)*[a-z0-9-]+\/[A-Za-z0-9._-]+$/),
  fc.string({ unit: fc.constantFrom('a', '.', '/', '[', ']', '"', "'", ' ', '\\', '$', '-', 'é'), minLength: 1 }),
);
const notReserved = (key: string) => !RESERVED_SEGMENTS.has(key);
const segment: fc.Arbitrary<PathSegment> = fc.oneof(
  name.filter(notReserved).map((key) => ({ key })),
  quotedKey.filter((k) => notReserved(k) && !(k.includes('"') && k.includes("'"))).map((key) => ({ key })),
  fc.nat({ max: 10_000 }).map((index) => ({ index })),
);
const segments = fc
  .tuple(firstName.filter(notReserved), fc.array(segment, { maxLength: 6 }))
  .map(([first, rest]): PathSegment[] => [{ key: first }, ...rest]);

// Strings built from the grammar's pieces, valid or not, reserved words included.
const pathLike = fc
  .array(
    fc.oneof(
      name,
      fc.constantFrom('.', '[', ']', '"', "'", '0', '12', ' ', '/', '\\', ...RESERVED),
      quotedKey.map((k) => `["${k}"]`),
      fc.constantFrom(...RESERVED).map((r) => `['${r}']`),
    ),
    { minLength: 1, maxLength: 8 },
  )
  .map((parts) => parts.join(''));

function prototypeSnapshot(): string {
  const describe = (o: object) =>
    Object.getOwnPropertyNames(o)
      .map((k) => `${k}:${typeof (Object.getOwnPropertyDescriptor(o, k)?.value ?? 'accessor')}`)
      .join(',');
  return [Object.prototype, Array.prototype, Function.prototype].map(describe).join('|');
}

describe('field paths (property-based)', () => {
  test('parse ∘ format is the identity on segments, and format ∘ parse is stable', () => {
    fc.assert(
      fc.property(segments, (segs) => {
        const text = formatFieldPath(segs);
        assert.deepEqual(parseFieldPath(text), segs);
        assert.equal(formatFieldPath(parseFieldPath(text)), text);
      }),
      RUNS,
    );
    fc.assert(
      fc.property(pathLike, (text) => {
        let parsed: readonly PathSegment[];
        try {
          parsed = parseFieldPath(text);
        } catch {
          return;
        }
        assert.deepEqual(parseFieldPath(formatFieldPath(parsed)), parsed);
      }),
      RUNS,
    );
  });

  test('no input ever changes Object.prototype, Array.prototype or Function.prototype', () => {
    const before = prototypeSnapshot();
    fc.assert(
      fc.property(fc.oneof(pathLike, fc.string()), fc.jsonValue(), (text, value) => {
        const targets: Record<string, unknown>[] = [{}, { spec: { items: [{}, []] } }, Object.create(null)];
        for (const target of targets) {
          try {
            setPath(target, text, value);
            readPath(target, text);
          } catch (e) {
            if (!(e instanceof FieldPathError)) throw e;
          }
        }
        assert.equal(prototypeSnapshot(), before);
        assert.equal(Object.hasOwn(Object.prototype, 'x'), false);
      }),
      RUNS,
    );
  });

  test('a reserved segment is refused wherever and however it is written', () => {
    fc.assert(
      fc.property(
        segments,
        fc.nat(),
        fc.constantFrom(...RESERVED),
        fc.constantFrom('dot', 'double', 'single'),
        (segs, at, word, form) => {
          const text = formatFieldPath(segs);
          const cut = at % (segs.length + 1);
          let path: string;
          if (cut === 0) {
            path = `${word}${text.slice(text.search(/[.[]|$/))}`;
          } else {
            const prefix = formatFieldPath(segs.slice(0, cut));
            const reserved = form === 'dot' ? `.${word}` : form === 'double' ? `["${word}"]` : `['${word}']`;
            path = `${prefix}${reserved}${text.slice(prefix.length)}`;
          }
          assert.throws(
            () => parseFieldPath(path),
            (e: unknown) => e instanceof FieldPathError && e.message.includes(`segment "${word}" is reserved`),
            path,
          );
          assert.throws(() => setPath({}, path, 1), FieldPathError);
        },
      ),
      RUNS,
    );
  });

  test('a bracketed key keeps its dots and slashes through parse, write and read', () => {
    fc.assert(
      fc.property(
        quotedKey.filter((k) => notReserved(k) && !k.includes('"')),
        fc.string(),
        (key, value) => {
          const path = `metadata.annotations["${key}"]`;
          assert.deepEqual(parseFieldPath(path).at(-1), { key });
          const cr: Record<string, unknown> = { metadata: { annotations: { other: 'x' } } };
          setPath(cr, path, value);
          assert.deepEqual(cr, { metadata: { annotations: { other: 'x', [key]: value } } });
          assert.equal(readPath(cr, path), value);
        },
      ),
      RUNS,
    );
  });

  test('the parser accepts exactly what the CRD schema accepts', () => {
    const pattern = new RegExp(FIELD_PATH);
    const reserved = new RegExp(RESERVED_SEGMENT);
    const schemaAccepts = (text: string) => pattern.test(text) && !reserved.test(text);
    const parserAccepts = (text: string) => {
      try {
        parseFieldPath(text);
        return true;
      } catch (e) {
        if (!(e instanceof FieldPathError)) throw e;
        return false;
      }
    };
    const check = (text: string) => assert.equal(parserAccepts(text), schemaAccepts(text), text);
    fc.assert(fc.property(pathLike, check), RUNS);
    fc.assert(fc.property(segments.map(formatFieldPath), check), RUNS);
    for (const text of ['spec.constructorRef', 'a["b.constructor.c"]', 'a[\'x["prototype"]\']', 'a.b["__proto__"]']) {
      check(text);
    }
  });
});
