/**
 * The generated part of the oracle corpus: fast-check draws a function and arguments of the types
 * its signature takes (text, counts, numbers, lists, dicts, from literals and from the custom
 * resource), called directly or with the last argument piped. A fixed seed keeps the corpus the
 * same on every run, so a difference is reproducible.
 */
import fc from 'fast-check';
import type { OracleCase } from './corpus.ts';

const strings = fc.constantFrom(
  '.spec.image',
  '.metadata.name',
  '.spec.words',
  '.spec.version',
  '.spec.empty',
  '.spec.path',
  '.spec.memory',
  '.spec.numstr',
  '"Hello World"',
  '"snake_case-and kebab"',
  '"  padded  "',
  '"a,b,,c"',
  '"ÀB straße"',
  '"x"',
  '""',
  '"HTTPServer2Go"',
  '"line\\nbreak"',
  '"1.2.3"',
  '"0x1F"',
  '"-12"',
  '"3.50"',
  '"tab\\there"',
);
const counts = fc.integer({ min: -3, max: 12 }).map(String);
const positive = fc.integer({ min: 1, max: 5 }).map(String);
const numbers = fc.constantFrom(
  '0',
  '1',
  '7',
  '-4',
  '12',
  '1.5',
  '-2.25',
  '0.1',
  '.spec.replicas',
  '.spec.zero',
  '.spec.ratio',
  '.spec.weight',
  '"42"',
  '"2.5"',
  'true',
);
const lists = fc.constantFrom(
  '.spec.tags',
  '.spec.ports',
  '.spec.emptyList',
  '(list "b" "a" "b")',
  '(list 3 1 2)',
  '(list "" "x" 0)',
  '(splitList "," "q,w,e")',
);
const maps = fc.constantFrom('.metadata.labels', '.spec.resources.limits', '.spec.emptyMap', '(dict "a" "1" "b" "")');
const keys = fc.constantFrom('"app"', '"tier"', '"cpu"', '"nope"', '"a"');
const anything = fc.oneof(strings, numbers, lists, maps);
const patterns = fc.constantFrom(
  '"[0-9]+"',
  '"^[a-z]"',
  '"a|e"',
  '"(\\\\w+)\\\\.(\\\\w+)"',
  '"x*"',
  '"\\\\s+"',
  '"(?i)HELLO"',
  '"."',
);
// biome-ignore lint/suspicious/noTemplateCurlyInString: Go's regexp replacement syntax, not a JS template
const replacements = fc.constantFrom('"-"', '"$1"', '"<${1}>"', '""', '"$$"');
const constraints = fc.constantFrom(
  '">=1.2.0"',
  '"^1.0"',
  '"~1.25"',
  '"<1.0.0 || >=1.25.0"',
  '"1.x"',
  '">1.25.3"',
  '"!=1.25.3"',
);
const versions = fc.constantFrom('.spec.version', '"1.2.3"', '"0.9.0"', '"1.25.3-rc.1"', '"v2"', '"1.0"');
const paths = fc.constantFrom('.spec.path', '"a/b/../c"', '"/"', '""', '"x.tar.gz"', '"/a/b/"', '"../.."');

type Arg = fc.Arbitrary<string>;
const SIGNATURES: ReadonlyArray<readonly [string, readonly Arg[]]> = [
  ['trim', [strings]],
  ['upper', [strings]],
  ['lower', [strings]],
  ['title', [strings]],
  ['untitle', [strings]],
  ['nospace', [strings]],
  ['initials', [strings]],
  ['swapcase', [strings]],
  ['snakecase', [strings]],
  ['camelcase', [strings]],
  ['kebabcase', [strings]],
  ['trunc', [counts, strings]],
  ['abbrev', [counts, strings]],
  ['abbrevboth', [counts, counts, strings]],
  ['substr', [counts, counts, strings]],
  ['repeat', [fc.integer({ min: 0, max: 4 }).map(String), strings]],
  ['wrap', [positive, strings]],
  ['wrapWith', [positive, fc.constantFrom('"|"', '"\\n"'), strings]],
  ['contains', [strings, strings]],
  ['hasPrefix', [strings, strings]],
  ['hasSuffix', [strings, strings]],
  ['quote', [anything]],
  ['squote', [anything]],
  ['cat', [anything, anything]],
  ['replace', [strings, strings, strings]],
  ['plural', [strings, strings, counts]],
  ['sha1sum', [strings]],
  ['sha256sum', [strings]],
  ['adler32sum', [strings]],
  ['b64enc', [strings]],
  ['b32enc', [strings]],
  ['toString', [anything]],
  ['join', [strings, lists]],
  ['splitList', [fc.constantFrom('","', '"."', '""', '" "'), strings]],
  ['split', [fc.constantFrom('","', '"."'), strings]],
  ['splitn', [fc.constantFrom('","', '"."'), counts, strings]],
  ['sortAlpha', [lists]],
  ['trimAll', [fc.constantFrom('" "', '"ab"', '"."'), strings]],
  ['trimPrefix', [strings, strings]],
  ['trimSuffix', [strings, strings]],
  ['indent', [fc.integer({ min: 0, max: 4 }).map(String), strings]],
  ['nindent', [fc.integer({ min: 0, max: 4 }).map(String), strings]],
  ['atoi', [strings]],
  ['add', [numbers, numbers]],
  ['add1', [numbers]],
  ['sub', [numbers, numbers]],
  ['mul', [numbers, numbers]],
  ['div', [numbers, numbers]],
  ['mod', [numbers, numbers]],
  ['max', [numbers, numbers, numbers]],
  ['min', [numbers, numbers]],
  ['addf', [numbers, numbers]],
  ['subf', [numbers, numbers]],
  ['mulf', [numbers, numbers]],
  ['divf', [numbers, numbers]],
  ['maxf', [numbers, numbers]],
  ['minf', [numbers, numbers]],
  ['floor', [numbers]],
  ['ceil', [numbers]],
  ['round', [numbers, fc.integer({ min: 0, max: 3 }).map(String)]],
  ['int', [numbers]],
  ['int64', [numbers]],
  ['float64', [numbers]],
  ['until', [counts]],
  ['untilStep', [counts, counts, counts]],
  ['seq', [counts, counts]],
  ['toDecimal', [fc.constantFrom('"17"', '"0777"', '"8"', '"-5"')]],
  ['first', [lists]],
  ['last', [lists]],
  ['rest', [lists]],
  ['initial', [lists]],
  ['reverse', [lists]],
  ['uniq', [lists]],
  ['compact', [lists]],
  ['len', [lists]],
  ['append', [lists, strings]],
  ['prepend', [lists, strings]],
  ['has', [strings, lists]],
  ['without', [lists, strings]],
  ['chunk', [positive, lists]],
  ['concat', [lists, lists]],
  ['empty', [anything]],
  ['default', [strings, anything]],
  ['coalesce', [anything, anything]],
  ['all', [anything, anything]],
  ['any', [anything, anything]],
  ['hasKey', [maps, keys]],
  ['get', [maps, keys]],
  ['pick', [maps, keys]],
  ['omit', [maps, keys]],
  ['dict', [keys, anything]],
  ['toJson', [anything]],
  ['toPrettyJson', [anything]],
  ['toRawJson', [anything]],
  ['toYaml', [anything]],
  ['kindOf', [fc.oneof(strings, lists, maps)]],
  ['regexMatch', [patterns, strings]],
  ['regexFind', [patterns, strings]],
  ['regexFindAll', [patterns, strings, counts]],
  ['regexReplaceAll', [patterns, strings, replacements]],
  ['regexReplaceAllLiteral', [patterns, strings, replacements]],
  ['regexSplit', [patterns, strings, counts]],
  ['regexQuoteMeta', [strings]],
  ['semverCompare', [constraints, versions]],
  ['base', [paths]],
  ['dir', [paths]],
  ['clean', [paths]],
  ['ext', [paths]],
  ['isAbs', [paths]],
];

/** Functions the generator covers (a test checks each is drawn at least once). */
export const GENERATED_FUNCTIONS: readonly string[] = SIGNATURES.map(([name]) => name);

const call = fc
  .constantFrom(...SIGNATURES)
  .chain(([name, args]) => fc.tuple(fc.constant(name), fc.tuple(...args), fc.boolean()))
  .map(([name, args, piped]) => {
    if (piped && args.length > 0) {
      const last = args[args.length - 1] as string;
      return `{{ ${last} | ${[name, ...args.slice(0, -1)].join(' ')} }}`;
    }
    return `{{ ${[name, ...args].join(' ')} }}`;
  });

/** `count` generated cases; the same list for the same seed. */
export function generatedCases(count: number, seed: number): OracleCase[] {
  const templates = fc.sample(call, { numRuns: count, seed });
  return templates.map((template) => ({ template, data: 'cr' }));
}
