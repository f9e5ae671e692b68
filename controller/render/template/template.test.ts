import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compileTemplate,
  compileValue,
  MAX_OUTPUT_CHARS,
  MAX_RANGE_ITERATIONS,
  MAX_SOURCE_BYTES,
  type TemplateData,
  TemplateError,
} from './index.ts';

const WHERE = 'spec.crds.web.operatorBox.reconcile.onCreate.deployments[0].image';

function cr(): TemplateData {
  return {
    metadata: { name: 'web', namespace: 'team-a', labels: { app: 'web', 'z-last': 'z', 'A-first': 'A' } },
    spec: {
      replicas: 3,
      image: 'nginx:1.25',
      port: 8080,
      ratio: 1.5,
      expose: true,
      off: false,
      empty: '',
      zero: 0,
      nil: null,
      list: ['a', 'b', 'c'],
      elist: [],
      m: { b: 2, a: 1, c: 3 },
      em: {},
      nested: { deep: { x: 'y' } },
      items: [
        { name: 'one', port: 1 },
        { name: 'two', port: 2 },
      ],
    },
    status: { phase: 'Ready' },
    children: { deployments: [] },
  };
}

function render(source: string, data: TemplateData = cr()): unknown {
  return compileTemplate(source, WHERE).render(data);
}

function table(name: string, cases: Array<[template: string, expected: unknown]>): void {
  describe(name, () => {
    for (const [template, expected] of cases) {
      it(JSON.stringify(template), () => assert.deepEqual(render(template), expected));
    }
  });
}

interface Expected {
  reason: RegExp;
  line: number;
  column: number;
  missingPath?: string;
}

function check(error: unknown, source: string, expected: Expected): true {
  assert.ok(error instanceof TemplateError, `not a TemplateError: ${String(error)}`);
  assert.match(error.reason, expected.reason);
  assert.equal(error.where, WHERE);
  assert.equal(`${error.line}:${error.column}`, `${expected.line}:${expected.column}`);
  assert.equal(error.missingPath, expected.missingPath);
  assert.ok(error.message.startsWith(`${WHERE}: template `), error.message);
  assert.ok(error.message.includes(` at ${expected.line}:${expected.column}: `), error.message);
  assert.ok(error.message.includes(JSON.stringify(source).slice(0, 40)), error.message);
  return true;
}

// ---------------------------------------------------------------------------------------------

table('typed results: a template that is exactly one action keeps the value type', [
  ['{{ .spec.replicas }}', 3],
  ['{{ .spec.ratio }}', 1.5],
  ['{{ .spec.expose }}', true],
  ['{{ .spec.off }}', false],
  ['{{ .spec.nil }}', null],
  ['{{ .spec.image }}', 'nginx:1.25'],
  ['{{ .spec.list }}', ['a', 'b', 'c']],
  ['{{ .spec.m }}', { b: 2, a: 1, c: 3 }],
  ['{{ .spec.replicas | default 1 }}', 3],
  ['{{ .spec.nope | default 1 }}', 1],
  ['{{ .spec.port | toString }}', '8080'],
  ['{{ "8080" | toInt }}', 8080],
  ['{{ 42 }}', 42],
  ['{{ .spec.nil | default 2 }}', 2],
  ['{{- .spec.replicas -}}', 3],
  ['  {{- .spec.replicas -}}  ', 3],
  ['\n{{- .spec.replicas -}}\n', 3],
  ['{{/* replicas */}}{{ .spec.replicas }}', 3],
  ['{{ (.spec.replicas) }}', 3],
  ['{{ $.spec.replicas }}', 3],
  ['{{ eq .spec.replicas 3 }}', true],
  ['{{ len .spec.list }}', 3],
  ['{{ . | len }}', 4],
]);

table('typed results: anything else is a string', [
  [' {{ .spec.replicas }}', ' 3'],
  ['{{ .spec.replicas }} ', '3 '],
  ['{{ .spec.replicas }}{{ .spec.replicas }}', '33'],
  ['x{{ .spec.expose }}', 'xtrue'],
  ['{{ if true }}{{ .spec.replicas }}{{ end }}', '3'],
  ['{{ $x := .spec.replicas }}', ''],
  ['{{ $x := .spec.replicas }}{{ $x }}', '3'],
  ['', ''],
  ['plain', 'plain'],
  ['{{/* only a comment */}}', ''],
  ['v{{ .spec.nil }}v', 'vv'],
  ['{{ .spec.ratio }}/{{ .spec.zero }}', '1.5/0'],
  ['{{ .spec.list }}', ['a', 'b', 'c']],
  ['[{{ .spec.list }}]', '[[a b c]]'],
  ['{{ .spec.m }} {{ .spec.em }}', 'map[a:1 b:2 c:3] map[]'],
  ['{{ .spec.nested }}.', 'map[deep:map[x:y]].'],
  ['http://{{ .metadata.name }}.{{ .metadata.namespace }}.svc', 'http://web.team-a.svc'],
]);

table('control: if / else if / else', [
  ['{{ if .spec.expose }}yes{{ end }}', 'yes'],
  ['{{ if .spec.off }}yes{{ end }}', ''],
  ['{{ if .spec.off }}yes{{ else }}no{{ end }}', 'no'],
  ['{{ if .spec.empty }}e{{ else if .spec.zero }}z{{ else if .spec.list }}l{{ else }}n{{ end }}', 'l'],
  ['{{ if .spec.empty }}e{{ else if .spec.zero }}z{{ else }}n{{ end }}', 'n'],
  ['{{ if .spec.elist }}y{{ else }}n{{ end }}{{ if .spec.em }}y{{ else }}n{{ end }}{{ if .spec.m }}y{{ end }}', 'nny'],
  ['{{ if .spec.nil }}y{{ else }}n{{ end }}', 'n'],
  ['{{ if "0" }}y{{ end }}{{ if 0.0 }}y{{ else }}n{{ end }}', 'yn'],
  ['{{ if $x := .spec.image }}{{ $x }}{{ end }}', 'nginx:1.25'],
  ['{{ if and .spec.expose (gt .spec.replicas 1) }}ha{{ end }}', 'ha'],
  ['{{ if not .spec.off }}on{{ end }}', 'on'],
  ['{{ if eq .spec.image "nginx:1.25" "x" }}match{{ end }}', 'match'],
]);

table('control: with / else with / else', [
  ['{{ with .spec.nested.deep }}{{ .x }}{{ end }}', 'y'],
  ['{{ with .spec.empty }}y{{ else }}n{{ end }}', 'n'],
  ['{{ with $x := .spec.image }}{{ $x }}={{ . }}{{ end }}', 'nginx:1.25=nginx:1.25'],
  ['{{ with .spec.empty }}a{{ else with .spec.image }}{{ . }}{{ end }}', 'nginx:1.25'],
  ['{{ with .spec.m }}{{ .a }}{{ $.metadata.name }}{{ end }}', '1web'],
  ['{{ with .spec.nope }}x{{ else }}{{ .metadata.name }}{{ end }}', 'web'],
]);

table('control: range', [
  ['{{ range .spec.list }}[{{ . }}]{{ end }}', '[a][b][c]'],
  ['{{ range $i, $v := .spec.list }}{{ $i }}={{ $v }},{{ end }}', '0=a,1=b,2=c,'],
  ['{{ range $v := .spec.list }}{{ $v }}{{ end }}', 'abc'],
  ['{{ range $k, $v := .spec.m }}{{ $k }}:{{ $v }} {{ end }}', 'a:1 b:2 c:3 '],
  ['{{ range .spec.m }}{{ . }}{{ end }}', '123'],
  ['{{ range $k, $v := .metadata.labels }}{{ $k }} {{ end }}', 'A-first app z-last '],
  ['{{ range .spec.elist }}x{{ else }}empty{{ end }}', 'empty'],
  ['{{ range .spec.em }}x{{ else }}empty{{ end }}', 'empty'],
  ['{{ range .spec.nil }}x{{ else }}none{{ end }}', 'none'],
  ['{{ range .spec.nope }}x{{ else }}none{{ end }}', 'none'],
  ['{{ range .spec.nope }}x{{ end }}', ''],
  ['{{ range 3 }}{{ . }}{{ end }}', '012'],
  ['{{ range $i := 2 }}{{ $i }}{{ end }}', '01'],
  ['{{ range 0 }}x{{ else }}zero{{ end }}', 'zero'],
  ['{{ range .spec.items }}{{ .name }}:{{ .port }};{{ end }}', 'one:1;two:2;'],
  ['{{ range .spec.list }}{{ if eq . "b" }}{{ continue }}{{ end }}{{ . }}{{ end }}', 'ac'],
  ['{{ range .spec.list }}{{ if eq . "b" }}{{ break }}{{ end }}{{ . }}{{ end }}', 'a'],
  ['{{ range .spec.list }}{{ with . }}{{ if eq . "a" }}{{ continue }}{{ end }}{{ . }}{{ end }}{{ end }}', 'bc'],
  ['{{ range $i, $v := .spec.list }}{{ range $.spec.elist }}{{ else }}{{ $i }}{{ end }}{{ end }}', '012'],
  [
    '{{ range .spec.list }}{{ range $.spec.list }}{{ if eq . "b" }}{{ break }}{{ end }}{{ . }}{{ end }}|{{ end }}',
    'a|a|a|',
  ],
  ['{{ range $i, $v := .spec.elist }}{{ else }}{{ len $v }}{{ end }}', '0'],
  ['{{ range .spec.list -}} {{ . }} {{- end }}', 'abc'],
]);

table('variables', [
  ['{{ $x := 1 }}{{ $x }}', '1'],
  ['{{ $x := 1 }}{{ $x = 2 }}{{ $x }}', '2'],
  ['{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}', '21'],
  ['{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}', '2'],
  ['{{ $x := 1 }}{{ range .spec.list }}{{ $x = . }}{{ end }}{{ $x }}', 'c'],
  ['{{ $x := 1 }}{{ with $x := 5 }}{{ $x }}{{ end }}{{ $x }}', '51'],
  ['{{ $m := .spec.m }}{{ $m.a }}{{ $.spec.image }}', '1nginx:1.25'],
  ['{{ $n := .spec.nested }}{{ $n.deep.x }}', 'y'],
  ['{{ $x := .spec.nope }}{{ $x | default "d" }}', 'd'],
  ['{{ $x := .spec.nope }}{{ if $x }}y{{ else }}n{{ end }}', 'n'],
  ['{{ $ := 1 }}ok', 'ok'],
  ['{{ range $i, $v := .spec.list }}{{ $last := $v }}{{ $last }}{{ end }}', 'abc'],
]);

table('pipelines and parentheses', [
  ['{{ "a" | printf "%s-%s" "b" }}', 'b-a'],
  ['{{ .spec.list | len | printf "%03d" }}', '003'],
  ['{{ printf "%s" (printf "%d" 3) }}', '3'],
  ['{{ (index .spec.m "a") }} {{ (.spec.nested).deep.x }}', '1 y'],
  ['{{ (index .spec.items 1).name }}', 'two'],
  ['{{ (split ":" .spec.image)._0 }}', 'nginx'],
  ['{{ print (1) (2) }}', '1 2'],
  ['{{ .spec.image | trimPrefix "nginx:" | printf "v%s" | quote }}', '"v1.25"'],
  ['{{ .spec.replicas | }}', 3],
]);

table('trim markers and comments', [
  ['a  {{- "b" -}}  c', 'abc'],
  ['a \n\t {{- "b" }} c', 'ab c'],
  ['a {{ "b" -}} \n\t c', 'a bc'],
  ['{{- " a " -}}  x  {{- " b " }}  {{ "c" -}}  \n  d', ' a x b   cd'],
  ['a  {{- /* c */ -}}  b', 'ab'],
  ['a {{/* c */}} b', 'a  b'],
  ['a {{- /* multi\nline */}} b', 'a b'],
  ['{{-3}}', -3],
  ['{{ 1 -}}\n\n  {{- 2 }}', '12'],
  ['x\u00a0 {{- 1 }}', 'x\u00a01'],
  ['line1\n{{- if true }}\nline2\n{{- end }}\n', 'line1\nline2\n'],
]);

table('literals', [
  ['{{ "a\\tb" }}', 'a\tb'],
  ['{{ `raw\\n` }}', 'raw\\n'],
  ["{{ 'a' }}", 97],
  [
    '{{ 0x1F }} {{ 0o17 }} {{ 017 }} {{ 0b101 }} {{ 1_000 }} {{ 1.5e3 }} {{ .5 }} {{ -2.5 }}',
    '31 15 15 5 1000 1500 0.5 -2.5',
  ],
  ['{{ true }} {{ false }}', 'true false'],
  ['{{ "\\u00e9\\x41" }}', 'éA'],
]);

// ---------------------------------------------------------------------------------------------

describe('missing paths: guards accept them', () => {
  const cases: Array<[string, unknown]> = [
    ['{{ .spec.nope | default 1 }}', 1],
    ['{{ .nope.deeper.still | default "d" }}', 'd'],
    ['{{ .spec.nil.x | default "d" }}', 'd'],
    ['{{ coalesce .spec.nope "c" }}', 'c'],
    ['{{ empty .spec.nope }}', true],
    ['{{ if .spec.nope }}y{{ else }}n{{ end }}', 'n'],
    ['{{ with .spec.nope.x }}y{{ else }}n{{ end }}', 'n'],
    ['{{ if and .spec.expose .spec.nope }}y{{ else }}n{{ end }}', 'n'],
    ['{{ if or .spec.nope .spec.expose }}y{{ end }}', 'y'],
    ['{{ not .spec.nope }}', true],
    ['{{ eq .spec.nope nil }}', true],
    ['{{ ne .spec.nope "x" }}', true],
    ['{{ range .spec.nope }}x{{ else }}none{{ end }}', 'none'],
    ['{{ .spec.constructor | default "safe" }}', 'safe'],
  ];
  for (const [template, expected] of cases) it(template, () => assert.deepEqual(render(template), expected));
});

describe('missing paths: any other use fails naming the path', () => {
  it('reports the exact message of the design', () => {
    assert.throws(
      () => render('{{ .spec.image }}', { metadata: {}, spec: {} }),
      (e: unknown) =>
        e instanceof TemplateError &&
        e.message === `${WHERE}: template "{{ .spec.image }}" at 1:4: missing field .spec.image` &&
        e.missingPath === '.spec.image',
    );
  });

  const cases: Array<[string, Expected]> = [
    ['{{ .spec.nope }}', { reason: /^missing field \.spec\.nope$/, line: 1, column: 4, missingPath: '.spec.nope' }],
    ['x {{ .spec.nope }}', { reason: /^missing field \.spec\.nope$/, line: 1, column: 6, missingPath: '.spec.nope' }],
    [
      '{{ .spec.nope.deeper }}',
      {
        reason: /^missing field \.spec\.nope \(evaluating \.spec\.nope\.deeper\)$/,
        line: 1,
        column: 4,
        missingPath: '.spec.nope',
      },
    ],
    ['{{ .spec.nil.x }}', { reason: /^missing field \.spec\.nil\.x$/, line: 1, column: 4, missingPath: '.spec.nil.x' }],
    ['{{ .nope }}', { reason: /missing field \.nope/, line: 1, column: 4, missingPath: '.nope' }],
    ['{{ $.spec.nope }}', { reason: /missing field \$\.spec\.nope/, line: 1, column: 4, missingPath: '$.spec.nope' }],
    [
      'a\nb {{ .spec.nope | quote }}',
      { reason: /^missing field \.spec\.nope \(argument of quote\)$/, line: 2, column: 6, missingPath: '.spec.nope' },
    ],
    ['{{ printf "%s" .spec.nope }}', { reason: /argument of printf/, line: 1, column: 16, missingPath: '.spec.nope' }],
    ['{{ len .spec.nope }}', { reason: /argument of len/, line: 1, column: 8, missingPath: '.spec.nope' }],
    [
      '{{ $x := .spec.nope }}{{ $x.a }}',
      { reason: /^missing field \.spec\.nope \(evaluating \$x\.a\)$/, line: 1, column: 10, missingPath: '.spec.nope' },
    ],
    [
      '{{ with .spec }}{{ .nope }}{{ end }}',
      { reason: /missing field \.nope/, line: 1, column: 20, missingPath: '.nope' },
    ],
    [
      '{{ range .spec.items }}{{ .image }}{{ end }}',
      { reason: /missing field \.image/, line: 1, column: 27, missingPath: '.image' },
    ],
    [
      '{{ .spec.nope | default .spec.other }}',
      { reason: /missing field \.spec\.other$/, line: 1, column: 25, missingPath: '.spec.other' },
    ],
    ['{{ .constructor }}', { reason: /missing field \.constructor/, line: 1, column: 4, missingPath: '.constructor' }],
    [
      '{{ index .spec.m "zz" }}',
      { reason: /missing field \.spec\.m\["zz"\]/, line: 1, column: 4, missingPath: '.spec.m["zz"]' },
    ],
  ];
  for (const [template, expected] of cases) {
    it(template, () =>
      assert.throws(
        () => render(template),
        (e) => check(e, template, expected),
      ),
    );
  }
});

describe('runtime errors name where, position and cause', () => {
  const cases: Array<[string, Expected]> = [
    [
      '{{ .spec.replicas.foo }}',
      {
        reason: /can't evaluate field foo in \.spec\.replicas\.foo: \.spec\.replicas is a number, not an object/,
        line: 1,
        column: 4,
      },
    ],
    ['{{ .spec.list.x }}', { reason: /\.spec\.list is an array, not an object/, line: 1, column: 4 }],
    [
      '{{ range .spec.list }}{{ .x }}{{ end }}',
      { reason: /can't evaluate field x in \.x: \. is a string/, line: 1, column: 26 },
    ],
    ['{{ range .spec.image }}{{ end }}', { reason: /range can't iterate over string/, line: 1, column: 10 }],
    ['{{ range 1.5 }}{{ end }}', { reason: /range can't iterate over 1\.5/, line: 1, column: 10 }],
    [
      '{{ range $i, $v := 3 }}{{ end }}',
      { reason: /can't use 3 to iterate over more than one variable/, line: 1, column: 20 },
    ],
    ['\n\n   {{ upper 3 }}', { reason: /error calling upper: wrong type for value/, line: 3, column: 7 }],
    ['{{ eq .spec.list 1 }}', { reason: /error calling eq: incompatible types/, line: 1, column: 4 }],
  ];
  for (const [template, expected] of cases) {
    it(template, () =>
      assert.throws(
        () => render(template),
        (e) => check(e, template, expected),
      ),
    );
  }
});

describe('syntax errors are compile-time errors with positions', () => {
  const cases: Array<[string, Expected]> = [
    ['{{ .spec.image ', { reason: /^unclosed action$/, line: 1, column: 1 }],
    ['abc\n  {{ .spec.image ', { reason: /^unclosed action$/, line: 2, column: 3 }],
    ['{{ foo .spec.x }}', { reason: /^function "foo" not defined$/, line: 1, column: 4 }],
    ['{{ .x | bogus }}', { reason: /^function "bogus" not defined$/, line: 1, column: 9 }],
    ['{{ constructor }}', { reason: /function "constructor" not defined/, line: 1, column: 4 }],
    ['{{ toString }}', { reason: /wrong number of args for toString: want 1 got 0/, line: 1, column: 4 }],
    ['{{ .x | ternary 1 2 3 }}', { reason: /wrong number of args for ternary: want 3 got 4/, line: 1, column: 9 }],
    ['{{ print len }}', { reason: /wrong number of args for len: want 1 got 0/, line: 1, column: 10 }],
    ['{{ $x }}', { reason: /^undefined variable "\$x"$/, line: 1, column: 4 }],
    ['{{ $x = 1 }}', { reason: /^undefined variable "\$x"$/, line: 1, column: 4 }],
    ['{{ if true }}{{ $x := 1 }}{{ end }}{{ $x }}', { reason: /undefined variable "\$x"/, line: 1, column: 39 }],
    [
      '{{ if .a }}{{ $x := 1 }}{{ else }}{{ $x }}{{ end }}',
      { reason: /undefined variable "\$x"/, line: 1, column: 38 },
    ],
    ['{{ if .a }}x', { reason: /unexpected EOF: \{\{if\}\} has no matching \{\{end\}\}/, line: 1, column: 4 }],
    ['{{ range .a }}{{ else }}', { reason: /unexpected EOF: \{\{range\}\}/, line: 1, column: 4 }],
    ['{{ end }}', { reason: /^unexpected \{\{end\}\}$/, line: 1, column: 4 }],
    ['x{{ else }}', { reason: /^unexpected \{\{else\}\}$/, line: 1, column: 5 }],
    [
      '{{ if 1 }}a{{ else }}b{{ else }}c{{ end }}',
      { reason: /expected \{\{end\}\}; found \{\{else\}\}/, line: 1, column: 26 },
    ],
    [
      '{{ range .a }}{{ else if 1 }}{{ end }}',
      { reason: /\{\{else if\}\} is not allowed in \{\{range\}\}/, line: 1, column: 18 },
    ],
    ['{{ if }}{{ end }}', { reason: /missing value for if/, line: 1, column: 7 }],
    ['{{ }}', { reason: /missing value for command/, line: 1, column: 4 }],
    ['{{ break }}', { reason: /\{\{break\}\} outside \{\{range\}\}/, line: 1, column: 4 }],
    [
      '{{ range .a }}{{ else }}{{ continue }}{{ end }}',
      { reason: /\{\{continue\}\} outside \{\{range\}\}/, line: 1, column: 28 },
    ],
    ['{{ template "x" }}', { reason: /\{\{template\}\} is not supported/, line: 1, column: 4 }],
    ['{{ define "x" }}{{ end }}', { reason: /\{\{define\}\} is not supported/, line: 1, column: 4 }],
    ['{{ nil }}', { reason: /nil is not a command/, line: 1, column: 4 }],
    ['{{ 1 | 2 }}', { reason: /non executable command in pipeline stage 2/, line: 1, column: 8 }],
    ['{{ .a | .b }}', { reason: /can't give argument to non-function \.b/, line: 1, column: 9 }],
    ['{{ .a .b }}', { reason: /can't give argument to non-function \.a/, line: 1, column: 4 }],
    ['{{ "a" "b" }}', { reason: /can't give argument to non-function "a"/, line: 1, column: 4 }],
    ['{{ true.x }}', { reason: /unexpected \. after term true/, line: 1, column: 8 }],
    ['{{ range $a, $b, $c := .x }}{{ end }}', { reason: /too many declarations in range/, line: 1, column: 16 }],
    ['{{ with $a, $b := 1 }}{{ end }}', { reason: /too many declarations in with/, line: 1, column: 11 }],
    ['{{ range $a, 1 }}{{ end }}', { reason: /range can only initialize variables/, line: 1, column: 14 }],
    ['{{ , }}', { reason: /unexpected "," in command/, line: 1, column: 4 }],
    ['{{ .a , }}', { reason: /unexpected "," in operand/, line: 1, column: 7 }],
    ['{{ (1 }}', { reason: /unclosed left paren/, line: 1, column: 7 }],
    ['{{ 1) }}', { reason: /unexpected right paren/, line: 1, column: 5 }],
    ['{{ "abc }}', { reason: /unterminated quoted string/, line: 1, column: 4 }],
    ['{{ .a-b }}', { reason: /bad character U\+002D/, line: 1, column: 6 }],
    ['{{ 3x }}', { reason: /bad number syntax: 3x/, line: 1, column: 4 }],
    ['{{/* open', { reason: /unclosed comment/, line: 1, column: 1 }],
    ['{{ if true }}{{ .a | nope }}{{ end }}', { reason: /function "nope" not defined/, line: 1, column: 22 }],
    ['é {{ nope }}', { reason: /function "nope" not defined/, line: 1, column: 6 }],
  ];
  for (const [template, expected] of cases) {
    it(template, () =>
      assert.throws(
        () => compileTemplate(template, WHERE),
        (e) => check(e, template, expected),
      ),
    );
  }

  it('fails at compile time even when the branch would never run', () => {
    assert.throws(() => compileTemplate('{{ if false }}{{ missingFn }}{{ end }}', WHERE), TemplateError);
  });

  it('omits the where prefix when where is empty', () => {
    assert.throws(
      () => compileTemplate('{{ nope }}', ''),
      (e: unknown) => e instanceof TemplateError && e.message.startsWith('template "{{ nope }}" at 1:4: '),
    );
  });

  it('shortens long sources in messages', () => {
    const source = `${'x'.repeat(500)}{{ nope }}`;
    assert.throws(
      () => compileTemplate(source, WHERE),
      (e: unknown) => e instanceof TemplateError && e.message.length < 300 && e.source === source && e.column === 504,
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('compileValue', () => {
  const where = 'spec.crds.web.operatorBox.reconcile.onCreate.configMaps[0]';

  it('renders templates anywhere in a JSON value and keeps static parts', () => {
    const value = compileValue(
      {
        name: '{{ .metadata.name }}-config',
        replicas: '{{ .spec.replicas }}',
        enabled: '{{ .spec.expose }}',
        port: 80,
        flags: [true, null, 1.5],
        data: { 'index.html': '<h1>{{ .metadata.name }}</h1>', static: 'no template here' },
        args: ['--port', '{{ .spec.port }}', '--name={{ .metadata.name }}'],
        nested: { deep: [{ x: '{{ .spec.nested.deep.x }}' }] },
      },
      where,
    );
    assert.equal(value.isStatic, false);
    assert.deepEqual(value.render(cr()), {
      name: 'web-config',
      replicas: 3,
      enabled: true,
      port: 80,
      flags: [true, null, 1.5],
      data: { 'index.html': '<h1>web</h1>', static: 'no template here' },
      args: ['--port', 8080, '--name=web'],
      nested: { deep: [{ x: 'y' }] },
    });
  });

  it('marks values without templates static and returns fresh copies', () => {
    const source = { a: [1, { b: 'c' }], d: 'plain {not a template}' };
    const value = compileValue(source, where);
    assert.equal(value.isStatic, true);
    const first = value.render(cr()) as { a: unknown[] };
    assert.deepEqual(first, source);
    assert.notEqual(first, source);
    (first.a as unknown[]).push('mutated');
    assert.deepEqual(value.render(cr()), source);
    assert.deepEqual(source.a, [1, { b: 'c' }]);
  });

  it('handles scalars and empty containers', () => {
    for (const scalar of [1, true, null, 'x', [], {}]) {
      const value = compileValue(scalar, where);
      assert.equal(value.isStatic, true);
      assert.deepEqual(value.render(cr()), scalar);
    }
    const single = compileValue('{{ .spec.replicas }}', where);
    assert.equal(single.isStatic, false);
    assert.equal(single.render(cr()), 3);
  });

  it('extends where with keys and indexes in errors', () => {
    assert.throws(
      () => compileValue({ data: { 'index.html': '{{ nope }}' } }, where),
      (e: unknown) => e instanceof TemplateError && e.where === `${where}.data.index.html`,
    );
    assert.throws(
      () => compileValue({ args: ['a', '{{ .x }'] }, where),
      (e: unknown) => e instanceof TemplateError && e.where === `${where}.args[1]`,
    );
    const value = compileValue({ containers: [{ image: '{{ .spec.image }}' }] }, where);
    assert.throws(
      () => value.render({ spec: {} }),
      (e: unknown) =>
        e instanceof TemplateError &&
        e.where === `${where}.containers[0].image` &&
        e.missingPath === '.spec.image' &&
        e.message.startsWith(
          `${where}.containers[0].image: template "{{ .spec.image }}" at 1:4: missing field .spec.image`,
        ),
    );
    assert.throws(
      () => compileValue(['{{ nope }}'], ''),
      (e: unknown) => e instanceof TemplateError && e.where === '[0]',
    );
    assert.throws(
      () => compileValue({ a: '{{ nope }}' }, ''),
      (e: unknown) => e instanceof TemplateError && e.where === 'a',
    );
  });

  it('does not template object keys', () => {
    const value = compileValue({ '{{ .metadata.name }}': '{{ .metadata.name }}' }, where);
    assert.deepEqual(value.render(cr()), { '{{ .metadata.name }}': 'web' });
  });
});

// ---------------------------------------------------------------------------------------------

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe('purity and determinism', () => {
  const source =
    '{{ range $k, $v := .metadata.labels }}{{ $k }}={{ $v }},{{ end }}{{ toJson .spec.m }}{{ .spec.ratio | printf "%.3f" }}{{ .spec.image | sha256sum }}';

  it('renders the same output every time, without modifying the data', () => {
    const data = deepFreeze(cr());
    const before = JSON.stringify(data);
    const template = compileTemplate(source, WHERE);
    const outputs = new Set(Array.from({ length: 50 }, () => template.render(data)));
    assert.equal(outputs.size, 1);
    assert.equal(JSON.stringify(data), before);
    assert.equal(compileTemplate(source, WHERE).render(cr()), [...outputs][0]);
  });

  it('returns copies, never the data itself', () => {
    const data = cr();
    const list = render('{{ .spec.list }}', data) as string[];
    list.push('x');
    assert.deepEqual((data.spec as { list: string[] }).list, ['a', 'b', 'c']);
    assert.notEqual(render('{{ .spec.m }}', data), (data.spec as { m: unknown }).m);
  });

  it('does not depend on key insertion order for ranges, printing and JSON', () => {
    const a = { spec: { m: { x: 1, y: 2, z: 3 } } };
    const b = { spec: { m: { z: 3, y: 2, x: 1 } } };
    for (const t of [
      '{{ range $k, $v := .spec.m }}{{ $k }}{{ $v }}{{ end }}',
      '{{ .spec.m }}.',
      '{{ toJson .spec.m }}',
    ]) {
      assert.equal(render(t, a), render(t, b));
    }
  });

  it('keeps variables of one render out of the next', () => {
    const template = compileTemplate('{{ $x := 0 }}{{ range .spec.list }}{{ $x = . }}{{ end }}{{ $x }}', WHERE);
    assert.equal(template.render({ spec: { list: ['a', 'b'] } }), 'b');
    assert.equal(template.render({ spec: { list: [] } }), '0');
  });

  it('exposes its source and never re-parses (render of a compiled template is cheap)', () => {
    const value = compileValue(
      {
        name: '{{ .metadata.name }}',
        image: '{{ .spec.image }}',
        replicas: '{{ .spec.replicas | default 1 }}',
        port: '{{ .spec.port }}',
        url: 'http://{{ .metadata.name }}.{{ .metadata.namespace }}.svc:{{ .spec.port }}',
      },
      WHERE,
    );
    const data = cr();
    let last: unknown;
    for (let i = 0; i < 1000; i++) last = value.render(data);
    assert.deepEqual(last, {
      name: 'web',
      image: 'nginx:1.25',
      replicas: 3,
      port: 8080,
      url: 'http://web.team-a.svc:8080',
    });
    assert.equal(compileTemplate('{{ .x }}', WHERE).source, '{{ .x }}');
  });
});

describe('prototype safety', () => {
  const probes = [
    '{{ .constructor }}',
    '{{ .__proto__ }}',
    '{{ .spec.toString }}',
    '{{ .spec.hasOwnProperty }}',
    '{{ .constructor.name }}',
    '{{ .__proto__.polluted }}',
    '{{ index . "constructor" }}',
    '{{ index .spec "__proto__" }}',
    '{{ $.constructor.prototype }}',
  ];
  for (const probe of probes) {
    it(`${probe} is never resolved through a prototype`, () => {
      assert.throws(
        () => render(probe),
        (e: unknown) => e instanceof TemplateError && /missing field|not an object/.test(e.reason),
      );
      assert.equal(render(probe.replace('}}', '| default "safe" }}').replace('{{ index', '{{ index')), 'safe');
    });
  }

  it('does not read JavaScript properties of arrays or strings', () => {
    assert.throws(() => render('{{ .spec.list.length }}'), /\.spec\.list is an array, not an object/);
    assert.throws(() => render('{{ .spec.image.length }}'), /\.spec\.image is a string, not an object/);
  });

  it('treats an own __proto__ key (as JSON.parse creates it) as absent', () => {
    const data = JSON.parse('{"spec": {"__proto__": {"polluted": "yes"}, "ok": 1}}') as TemplateData;
    assert.equal(render('{{ .spec.__proto__.polluted | default "no" }}', data), 'no');
    assert.equal(render('{{ range $k, $v := .spec }}{{ $k }}{{ end }}', data), 'ok');
    assert.equal(render('{{ toJson .spec }}', data), '{"ok":1}');
    assert.equal(render('{{ len .spec }}', data), 1);
    assert.deepEqual(render('{{ .spec }}', data), { ok: 1 });
  });

  it('never pollutes Object.prototype through compileValue', () => {
    const source = JSON.parse('{"__proto__": {"polluted": "{{ .metadata.name }}"}, "a": "{{ .metadata.name }}"}');
    const rendered = compileValue(source, WHERE).render(cr()) as Record<string, unknown>;
    assert.deepEqual(rendered, { a: 'web' });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal(Object.getPrototypeOf(rendered), Object.prototype);
  });

  it('does not invoke getters or see non-plain objects', () => {
    let called = false;
    const spec = Object.defineProperty({}, 'secret', {
      enumerable: true,
      get() {
        called = true;
        return 'leak';
      },
    });
    assert.equal(render('{{ .spec.secret | default "hidden" }}', { spec }), 'hidden');
    assert.equal(called, false);
    assert.throws(() => render('{{ .spec.when.getTime }}', { spec: { when: new Date(0) } }), /not an object/);
    assert.throws(() => render('{{ toJson .spec }}', { spec: { when: new Date(0) } }), /unsupported value/);
  });
});

describe('limits', () => {
  it(`rejects sources over ${MAX_SOURCE_BYTES} bytes`, () => {
    assert.throws(
      () => compileTemplate(`{{ .a }}${'x'.repeat(MAX_SOURCE_BYTES)}`, WHERE),
      (e: unknown) => e instanceof TemplateError && /byte limit/.test(e.reason) && e.line === 1 && e.column === 1,
    );
    assert.doesNotThrow(() => compileTemplate('é'.repeat(MAX_SOURCE_BYTES / 2), WHERE));
    assert.throws(() => compileTemplate('é'.repeat(MAX_SOURCE_BYTES / 2 + 1), WHERE), TemplateError);
  });

  it('stops a range that produces more than 1 MiB', () => {
    const list = Array.from({ length: 2000 }, (_, i) => i);
    const template = compileTemplate(`{{ range .spec.list }}${'x'.repeat(1000)}{{ end }}`, WHERE);
    assert.throws(
      () => template.render({ spec: { list } }),
      (e: unknown) =>
        e instanceof TemplateError &&
        e.limitExceeded &&
        e.reason === `output larger than ${MAX_OUTPUT_CHARS} characters`,
    );
    assert.equal((template.render({ spec: { list: list.slice(0, 1000) } }) as string).length, 1_000_000);
  });

  it('stops nested ranges that would iterate too often', () => {
    assert.throws(
      () => render(`{{ range ${MAX_RANGE_ITERATIONS + 1} }}{{ end }}`),
      (e: unknown) =>
        e instanceof TemplateError &&
        e.limitExceeded &&
        e.reason === `more than ${MAX_RANGE_ITERATIONS} range iterations`,
    );
    // 300 + 300 x 300 iterations: under the cap.
    assert.equal(render('{{ range 300 }}{{ range 300 }}{{ end }}{{ end }}x'), 'x');
  });

  it('refuses function results over the output limit before building them', () => {
    const big = 'a'.repeat(1100);
    assert.throws(
      () => render('{{ replace "" .spec.big .spec.big }}', { spec: { big } }),
      (e: unknown) => e instanceof TemplateError && /result larger than/.test(e.reason),
    );
  });

  it('rejects templates nested too deeply', () => {
    assert.throws(
      () => compileTemplate(`${'{{ if 1 }}'.repeat(101)}${'{{ end }}'.repeat(101)}`, WHERE),
      /nested more than 100/,
    );
    assert.throws(() => compileTemplate(`{{ ${'('.repeat(101)}1${')'.repeat(101)} }}`, WHERE), /nested more than 100/);
    assert.equal(compileTemplate(`{{ ${'('.repeat(50)}1${')'.repeat(50)} }}`, WHERE).render({}), 1);
  });
});
