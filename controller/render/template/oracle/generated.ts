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
  '.spec.nothing',
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
  '.spec.nothing',
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
const urls = fc.constantFrom(
  '.spec.url',
  '"http://example.com"',
  '"https://a:b@h:1/p/a%2Fb?x=1&y#frag"',
  '"rel/path?q"',
  '"mailto:a@b"',
  '""',
  '"//h/p"',
);
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
  ['urlParse', [urls]],
];

/** Functions the generator covers (a test checks each is drawn at least once). */
export const GENERATED_FUNCTIONS: readonly string[] = SIGNATURES.map(([name]) => name);

type Signature = (typeof SIGNATURES)[number];

const callOf = (signature: fc.Arbitrary<Signature>): fc.Arbitrary<string> =>
  signature
    .chain(([name, args]) => fc.tuple(fc.constant(name), fc.tuple(...args), fc.boolean()))
    .map(([name, args, piped]) => {
      if (piped && args.length > 0) {
        const last = args[args.length - 1] as string;
        return `{{ ${last} | ${[name, ...args.slice(0, -1)].join(' ')} }}`;
      }
      return `{{ ${[name, ...args].join(' ')} }}`;
    });

/** `count` generated calls, every signature at least once; the same list for the same seed. */
export function generatedCases(count: number, seed: number): OracleCase[] {
  // One call of every signature first, so each function is covered whatever the seed draws.
  const once = SIGNATURES.flatMap((signature) => fc.sample(callOf(fc.constant(signature)), { numRuns: 1, seed }));
  const rest = fc.sample(callOf(fc.constantFrom(...SIGNATURES)), { numRuns: Math.max(0, count - once.length), seed });
  return [...once, ...rest].map((template) => ({ template, data: 'cr' }));
}

type Shape = 'str' | 'list' | 'map' | 'num' | 'bool';

/** Pipeline stages by the shape they take (piped last) and give; arguments are fixed or drawn. */
const STAGES: ReadonlyArray<readonly [from: Shape, to: Shape, stage: fc.Arbitrary<string>]> = [
  ['str', 'str', fc.constantFrom('upper', 'lower', 'trim', 'title', 'untitle', 'snakecase', 'camelcase', 'kebabcase')],
  ['str', 'str', fc.constantFrom('swapcase', 'nospace', 'initials', 'quote', 'squote', 'b64enc', 'b32enc', 'toString')],
  ['str', 'str', fc.constantFrom('base', 'dir', 'clean', 'ext', 'sha1sum | trunc 8', 'adler32sum', 'regexQuoteMeta')],
  ['str', 'str', counts.map((n) => `trunc ${n}`)],
  ['str', 'str', counts.map((n) => `abbrev ${n}`)],
  ['str', 'str', fc.integer({ min: 0, max: 3 }).map((n) => `repeat ${n}`)],
  ['str', 'str', fc.integer({ min: 0, max: 4 }).map((n) => `indent ${n}`)],
  ['str', 'str', fc.integer({ min: 0, max: 4 }).map((n) => `nindent ${n}`)],
  ['str', 'str', positive.map((n) => `wrap ${n}`)],
  ['str', 'str', fc.tuple(strings, strings).map(([a, b]) => `replace ${a} ${b}`)],
  ['str', 'str', fc.constantFrom('" "', '"ab"', '"."', '"-"').map((c) => `trimAll ${c}`)],
  ['str', 'str', strings.map((p) => `trimPrefix ${p}`)],
  ['str', 'str', strings.map((p) => `trimSuffix ${p}`)],
  ['str', 'str', fc.tuple(patterns, replacements).map(([p, r]) => `regexReplaceAll ${p} ${r}`)],
  ['str', 'str', strings.map((s) => `cat ${s}`)],
  ['str', 'str', patterns.map((p) => `regexFind ${p}`)],
  ['str', 'list', fc.constantFrom('","', '"."', '""', '" "', '"a"').map((sep) => `splitList ${sep}`)],
  ['str', 'list', fc.tuple(patterns, counts).map(([p, n]) => `regexFindAll ${p} ${n}`)],
  ['str', 'list', fc.tuple(patterns, counts).map(([p, n]) => `regexSplit ${p} ${n}`)],
  ['str', 'list', fc.constantFrom('list', 'list "x"', 'toStrings')],
  // split/splitn give map[string]string in Go, which map functions reject (a tabled difference).
  ['str', 'map', fc.constantFrom('dict "k"', 'dict "a" 1 "b"', 'dict "x" | merge (dict "y" 1)')],
  ['str', 'num', fc.constantFrom('len', 'atoi', 'int', 'int64', 'toDecimal')],
  ['str', 'bool', fc.constantFrom('empty', 'contains "a"', 'hasPrefix "s"', 'hasSuffix "x"', 'regexMatch "^[a-z]+$"')],
  ['list', 'list', fc.constantFrom('sortAlpha', 'reverse', 'uniq', 'compact', 'rest', 'initial', 'toStrings')],
  ['list', 'list', fc.constantFrom('append "z"', 'prepend 0', 'without "api"', 'concat (list 1)', 'mustSlice 0 1')],
  ['list', 'list', positive.map((n) => `chunk ${n}`)],
  ['list', 'str', fc.constantFrom('join ","', 'join ""', 'toJson', 'toYaml', 'toPrettyJson', 'toRawJson', 'toString')],
  ['list', 'str', fc.constantFrom('first | toString', 'last | toString', 'quote', 'cat "L:"')],
  ['list', 'num', fc.constantFrom('len')],
  ['list', 'bool', fc.constantFrom('empty', 'has "api"', 'has "x"', 'kindIs "slice"')],
  ['map', 'str', fc.constantFrom('toJson', 'toYaml', 'toPrettyJson', 'toString', 'keys | sortAlpha | join ","')],
  ['str', 'map', fc.constantFrom('urlParse')],
  ['map', 'map', fc.constantFrom('pick "app" "a"', 'omit "app"', 'merge (dict "z" 1)', 'deepCopy')],
  ['map', 'map', fc.constantFrom('mergeOverwrite (dict "app" "x")', 'dict "wrapped"', 'merge (dict)')],
  ['map', 'list', fc.constantFrom('keys | sortAlpha', 'values | sortAlpha', 'list', 'pluck "app"')],
  ['map', 'bool', fc.constantFrom('hasKey "app"', 'hasKey "a"', 'empty', 'kindIs "map"')],
  ['map', 'num', fc.constantFrom('len')],
  ['num', 'num', fc.constantFrom('add1', 'add 2', 'sub 10', 'mul 3', 'div 2', 'mod 3', 'max 5', 'min 2', 'int')],
  // Not drawn: `round` (the piped value is its int places argument), eq/lt/gt (Go rejects int
  // against float) and printf verbs other than %v on floats: tabled differences.
  ['num', 'num', fc.constantFrom('addf 0.5', 'mulf 1.5', 'subf 0.25', 'divf 4', 'floor', 'ceil', 'float64')],
  ['num', 'str', fc.constantFrom('toString', 'quote', 'printf "%v"', 'toJson', 'cat "n"')],
  ['num', 'bool', fc.constantFrom('empty', 'kindIs "string"')],
  ['bool', 'str', fc.constantFrom('toString', 'quote', 'ternary "yes" "no"', 'toJson', 'not | toString')],
];

const STARTS: Readonly<Record<Shape, fc.Arbitrary<string>>> = {
  str: strings,
  list: lists,
  map: maps,
  num: fc.constantFrom('.spec.replicas', '.spec.zero', '.spec.ratio', '.spec.weight', '7', '2.5', '-3'),
  bool: fc.constantFrom('.spec.enabled', '.spec.disabled', 'true'),
};

function chain(shape: Shape, depth: number): fc.Arbitrary<string> {
  if (depth === 0) return STARTS[shape];
  const into = STAGES.filter(([, to]) => to === shape);
  return fc
    .constantFrom(...into)
    .chain(([from, , stage]) => fc.tuple(chain(from, depth - 1), stage))
    .map(([input, stage]) => `${input} | ${stage}`);
}

const pipelines = fc
  .tuple(fc.constantFrom<Shape>('str', 'list', 'map', 'num', 'bool'), fc.integer({ min: 1, max: 3 }))
  .chain(([shape, depth]) => chain(shape, depth))
  .map((pipeline) => `{{ ${pipeline} }}`);

/** `count` pipelines of one to three stages whose shapes fit (text → list → text ...). */
export function generatedPipelines(count: number, seed: number): OracleCase[] {
  return fc.sample(pipelines, { numRuns: count, seed }).map((template) => ({ template, data: 'cr' }));
}
