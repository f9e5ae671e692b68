import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileTemplate, type TemplateData, TemplateError } from './index.ts';

const data: TemplateData = {
  metadata: { name: 'web', namespace: 'team-a', labels: { app: 'web', tier: 'front' } },
  spec: {
    replicas: 3,
    image: 'nginx:1.25',
    ratio: 1.5,
    expose: true,
    off: false,
    zero: 0,
    empty: '',
    nil: null,
    list: ['a', 'b', 'c'],
    mixed: ['x', null, 2, true],
    elist: [],
    m: { b: 2, a: 1 },
    em: {},
    padded: '  \t hi \n ',
    html: '<b>&</b>',
    numstr: '42',
    hexstr: '0x1F',
    bad: 'abc',
    s: 'héllo',
  },
  status: {},
  children: {},
};

function render(source: string, d: TemplateData = data): unknown {
  return compileTemplate(source, 'test.field').render(d);
}

type Case = [template: string, expected: unknown];

function table(name: string, cases: Case[]): void {
  describe(name, () => {
    for (const [template, expected] of cases) {
      it(template, () => assert.deepEqual(render(template), expected));
    }
  });
}

function failures(name: string, cases: Array<[template: string, message: RegExp]>): void {
  describe(name, () => {
    for (const [template, message] of cases) {
      it(template, () =>
        assert.throws(
          () => render(template),
          (e: unknown) => e instanceof TemplateError && message.test(e.message),
        ),
      );
    }
  });
}

table('functions: and / or / not', [
  ['{{ and 1 0 "x" }}', 0],
  ['{{ and 1 2 }}', 2],
  ['{{ and .spec.expose .spec.image }}', 'nginx:1.25'],
  ['{{ or 0 "" "z" }}', 'z'],
  ['{{ or 0 "" }}', ''],
  ['{{ or .spec.nope .spec.image }}', 'nginx:1.25'],
  ['{{ if and .spec.nope (index .spec.list 99) }}y{{ end }}x', 'x'],
  ['{{ or 1 (index .spec.list 99) }}', 1],
  ['{{ 0 | and 1 }}', 0],
  ['{{ 1 | or 0 }}', 1],
  ['{{ not 0 }}', true],
  ['{{ not .spec.list }}', false],
  ['{{ not .spec.nope }}', true],
  ['{{ not .spec.nil }}', true],
]);

table('functions: comparisons', [
  ['{{ eq 1 1 }}', true],
  ['{{ eq "a" "b" "a" }}', true],
  ['{{ eq .spec.replicas 1 2 }}', false],
  ['{{ eq .spec.ratio 1.5 }}', true],
  ['{{ eq .spec.nope nil }}', true],
  ['{{ eq .spec.nil .spec.nope }}', true],
  ['{{ eq .spec.nope "x" }}', false],
  ['{{ eq .spec.list nil }}', false],
  ['{{ "x" | eq "x" }}', true],
  ['{{ ne 1 2 }}', true],
  ['{{ ne .spec.nope "x" }}', true],
  ['{{ ne .spec.image "nginx:1.25" }}', false],
  ['{{ lt 1 2 }}', true],
  ['{{ le 2 2 }}', true],
  ['{{ gt "b" "a" }}', true],
  ['{{ ge 1 2 }}', false],
  ['{{ lt 1.5 2 }}', true],
  ['{{ lt "Z" "a" }}', true],
  ['{{ lt "\uffff" "😀" }}', true],
]);
failures('functions: comparison errors', [
  ['{{ eq 1 "a" }}', /error calling eq: incompatible types for comparison: number and string/],
  ['{{ eq .spec.list .spec.list }}', /error calling eq: non-comparable type array/],
  ['{{ lt 1 "a" }}', /incompatible types for comparison/],
  ['{{ lt true false }}', /invalid type for comparison: boolean/],
  ['{{ lt .spec.nil 1 }}', /invalid type for comparison: null/],
  ['{{ lt .spec.nope 1 }}', /missing field \.spec\.nope \(argument of lt\)/],
  ['{{ eq 1 }}', /wrong number of args for eq: want at least 2 got 1/],
]);

table('functions: len / index', [
  ['{{ len .spec.list }}', 3],
  ['{{ len .spec.m }}', 2],
  ['{{ len .spec.s }}', 6],
  ['{{ len "" }}', 0],
  ['{{ .spec.list | len }}', 3],
  ['{{ index .spec.list 1 }}', 'b'],
  ['{{ index .spec.m "b" }}', 2],
  ['{{ index . "spec" "m" "a" }}', 1],
  ['{{ index .spec.s 1 }}', 195],
  ['{{ index .spec.list }}', ['a', 'b', 'c']],
  ['{{ index .spec.m "zz" | default "none" }}', 'none'],
  ['{{ index .spec.nope "a" | default "none" }}', 'none'],
  ['{{ index .spec.nil "a" | default "none" }}', 'none'],
  ['{{ index .metadata.labels "app" }}', 'web'],
]);
failures('functions: len / index errors', [
  ['{{ len 3 }}', /error calling len: len of type number/],
  ['{{ len .spec.nil }}', /error calling len: len of nil pointer/],
  ['{{ len .spec.nope }}', /missing field \.spec\.nope \(argument of len\)/],
  ['{{ index .spec.list 5 }}', /error calling index: index out of range: 5/],
  ['{{ index .spec.list -1 }}', /index out of range: -1/],
  ['{{ index .spec.list "a" }}', /cannot index array with string/],
  ['{{ index .spec.m 1 }}', /value has type number; should be string/],
  ['{{ index 3 1 }}', /can't index item of type number/],
  ['{{ index .spec.m "zz" }}', /missing field \.spec\.m\["zz"\]/],
  ['{{ index .spec.m .spec.nope }}', /missing field \.spec\.nope \(argument of index\)/],
]);

table('functions: print / printf / println', [
  ['{{ print 1 2 "a" "b" 3 }}', '1 2ab3'],
  ['{{ print }}', ''],
  ['{{ println "a" 1 }}', 'a 1\n'],
  ['{{ printf "%s-%d" .metadata.name .spec.replicas }}', 'web-3'],
  [
    '{{ printf "%v|%q|%t|%x|%.2f" .spec.list .metadata.name .spec.expose 255 .spec.ratio }}',
    '[a b c]|"web"|true|ff|1.50',
  ],
  ['{{ .spec.replicas | printf "%03d" }}', '003'],
  ['{{ printf "%s" .spec.nil }}', '%!s(<nil>)'],
  ['{{ print .spec.nil }}', '<nil>'],
]);
failures('functions: print errors', [
  ['{{ print .spec.nope }}', /missing field \.spec\.nope \(argument of print\)/],
  ['{{ printf 3 }}', /error calling printf: wrong type for value; expected string; got int64/],
  ['{{ printf }}', /wrong number of args for printf: want at least 1 got 0/],
]);

table('functions: default', [
  ['{{ .spec.nope | default 1 }}', 1],
  ['{{ .spec.replicas | default 1 }}', 3],
  ['{{ .spec.nil | default "d" }}', 'd'],
  ['{{ .spec.empty | default "d" }}', 'd'],
  ['{{ .spec.zero | default 5 }}', 5],
  ['{{ .spec.off | default true }}', true],
  ['{{ .spec.elist | default "d" }}', 'd'],
  ['{{ .spec.em | default "d" }}', 'd'],
  ['{{ .spec.nope.deeper | default "d" }}', 'd'],
  ['{{ default "d" .spec.image }}', 'nginx:1.25'],
  ['{{ default "d" }}', 'd'],
  ['{{ .spec.list | default "d" }}', ['a', 'b', 'c']],
  ['{{ .spec.nope | default .spec.alsoNope | default 7 }}', 7],
]);
failures('functions: default errors', [
  ['{{ .spec.nope | default .spec.alsoNope }}', /missing field \.spec\.alsoNope$/],
  ['{{ default }}', /wrong number of args for default: want at least 1 got 0/],
]);

table('functions: empty / coalesce / ternary', [
  ['{{ empty .spec.nope }}', true],
  ['{{ empty .spec.nil }}', true],
  ['{{ empty .spec.empty }}', true],
  ['{{ empty .spec.zero }}', true],
  ['{{ empty .spec.off }}', true],
  ['{{ empty .spec.elist }}', true],
  ['{{ empty .spec.em }}', true],
  ['{{ empty .spec.image }}', false],
  ['{{ empty .spec.m }}', false],
  ['{{ coalesce .spec.nope .spec.empty .spec.zero .spec.image 5 }}', 'nginx:1.25'],
  ['{{ coalesce .spec.nope .spec.nil }}', null],
  ['{{ coalesce }}', null],
  ['{{ ternary "a" "b" .spec.expose }}', 'a'],
  ['{{ ternary "a" "b" .spec.off }}', 'b'],
  ['{{ .spec.expose | ternary 1 2 }}', 1],
]);
failures('functions: ternary errors', [
  ['{{ ternary "a" "b" 1 }}', /error calling ternary: wrong type for value; expected bool; got int64/],
  ['{{ ternary "a" "b" .spec.nope }}', /missing field \.spec\.nope \(argument of ternary\)/],
  ['{{ ternary "a" "b" }}', /wrong number of args for ternary: want 3 got 2/],
]);

table('functions: strings', [
  ['{{ quote .metadata.name }}', '"web"'],
  ['{{ .spec.replicas | quote }}', '"3"'],
  ['{{ quote "a\\"b" 1 .spec.nil }}', '"a\\"b" "1"'],
  ['{{ squote .metadata.name 1 }}', "'web' '1'"],
  ['{{ upper "abc é" }}', 'ABC É'],
  ['{{ lower "ABC É" }}', 'abc é'],
  ['{{ trim .spec.padded }}', 'hi'],
  ['{{ trim "\u00a0\u0085x\u3000" }}', 'x'],
  ['{{ trim "\ufeffx" }}', '\ufeffx'],
  ['{{ trimPrefix "nginx:" .spec.image }}', '1.25'],
  ['{{ .spec.image | trimPrefix "x" }}', 'nginx:1.25'],
  ['{{ trimSuffix ".25" .spec.image }}', 'nginx:1'],
  ['{{ trimSuffix "" "abc" }}', 'abc'],
  ['{{ hasPrefix "ngi" .spec.image }}', true],
  ['{{ hasSuffix "x" .spec.image }}', false],
  ['{{ contains ":" .spec.image }}', true],
  ['{{ .spec.image | contains "apache" }}', false],
  ['{{ replace ":" "@" "a:b:c" }}', 'a@b@c'],
  ['{{ replace "" "-" "ab" }}', '-a-b-'],
  ['{{ replace "." "$&" "a.b" }}', 'a$&b'],
  ['{{ join "," .spec.list }}', 'a,b,c'],
  ['{{ join "-" .spec.mixed }}', 'x-2-true'],
  ['{{ join "," "solo" }}', 'solo'],
  ['{{ join "," .spec.nil }}', ''],
  ['{{ .spec.list | join "+" }}', 'a+b+c'],
  ['{{ split "," "a,b" }}', { _0: 'a', _1: 'b' }],
  ['{{ (split ":" .spec.image)._1 }}', '1.25'],
  ['{{ splitList "," "a,,b" }}', ['a', '', 'b']],
  ['{{ splitList "" "hé" }}', ['h', 'é']],
  ['{{ toString 3 }}', '3'],
  ['{{ toString .spec.ratio }}', '1.5'],
  ['{{ toString .spec.list }}', '[a b c]'],
  ['{{ toString .spec.nil }}', '<nil>'],
]);
failures('functions: string errors', [
  ['{{ upper 3 }}', /error calling upper: wrong type for value; expected string; got int64/],
  ['{{ lower .spec.nope }}', /missing field \.spec\.nope \(argument of lower\)/],
  ['{{ trimPrefix 1 "a" }}', /expected string; got int64/],
  ['{{ contains "a" .spec.list }}', /expected string; got \[\]interface \{\}/],
  ['{{ join 1 .spec.list }}', /expected string; got int64/],
  ['{{ quote .spec.nope }}', /missing field \.spec\.nope \(argument of quote\)/],
]);

table('functions: encodings', [
  ['{{ toJson .spec.m }}', '{"a":1,"b":2}'],
  ['{{ toJson .spec.html }}', '"\\u003cb\\u003e\\u0026\\u003c/b\\u003e"'],
  ['{{ toJson .spec.list }}', '["a","b","c"]'],
  ['{{ toJson .spec.nil }}', 'null'],
  ['{{ toJson .metadata }}', '{"labels":{"app":"web","tier":"front"},"name":"web","namespace":"team-a"}'],
  ['{{ b64enc "héllo" }}', 'aMOpbGxv'],
  ['{{ b64dec "aMOpbGxv" }}', 'héllo'],
  ['{{ "" | b64enc }}', ''],
  ['{{ sha256sum "" }}', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  ['{{ .metadata.name | sha256sum }}', '4b5e57f6eb2f42b9039b3d1e13929295f231749c510cbe341cd68036d9af97e2'],
  ['{{ sha256sum "abc" }}', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  // Sprig returns Go's decoding error as the result instead of failing.
  ['{{ b64dec "a" }}', 'illegal base64 data at input byte 0'],
  ['{{ b64dec "a$==" }}', 'illegal base64 data at input byte 1'],
]);
failures('functions: encoding errors', [
  ['{{ b64enc 3 }}', /expected string; got int64/],
  ['{{ toJson .spec.nope }}', /missing field \.spec\.nope \(argument of toJson\)/],
]);

table('functions: toInt / toBool', [
  ['{{ toInt .spec.numstr }}', 42],
  ['{{ toInt .spec.ratio }}', 1],
  ['{{ toInt -2.7 }}', -2],
  ['{{ toInt "3.0" }}', 3],
  ['{{ toInt "3.7" }}', 3],
  ['{{ toInt .spec.hexstr }}', 31],
  ['{{ toInt "-0b11" }}', -3],
  ['{{ toInt "010" }}', 8],
  ['{{ toInt "1_000" }}', 1000],
  ['{{ toInt true }}', 1],
  ['{{ toInt false }}', 0],
  ['{{ toInt .spec.nil }}', 0],
  ['{{ .spec.numstr | toInt }}', 42],
  ['{{ toBool "true" }}', true],
  ['{{ toBool "T" }}', true],
  ['{{ toBool "1" }}', true],
  ['{{ toBool "False" }}', false],
  ['{{ toBool "0" }}', false],
  ['{{ toBool 2 }}', true],
  ['{{ toBool 0 }}', false],
  ['{{ toBool .spec.nil }}', false],
  ['{{ toBool .spec.expose }}', true],
]);
failures('functions: conversion errors', [
  ['{{ toInt .spec.bad }}', /error calling toInt: cannot convert "abc" to an integer/],
  ['{{ toInt .spec.list }}', /cannot convert array to an integer/],
  ['{{ toInt .spec.nope }}', /missing field \.spec\.nope \(argument of toInt\)/],
  ['{{ toBool "yes" }}', /error calling toBool: cannot convert "yes" to a boolean/],
  ['{{ toBool .spec.m }}', /cannot convert object to a boolean/],
]);

describe('functions: error position', () => {
  it('points at the function name', () => {
    assert.throws(
      () => render('x\n  {{ "a" | upper | toInt }}'),
      (e: unknown) => e instanceof TemplateError && e.line === 2 && e.column === 20 && /toInt/.test(e.reason),
    );
  });
});

failures('functions: missing values are reported, not printed', [
  ['{{ and .spec.nope 1 }}', /missing field \.spec\.nope$/],
  ['{{ or .spec.nope }}', /missing field \.spec\.nope$/],
]);
