import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FunctionError } from './errors.ts';
import { formatValue, goJson, goNumber, goQuote, goSprint, goSprintf, goSprintln, strval } from './format.ts';

// Expected strings below were checked against Go's fmt (go1.26) on the same values, except where
// a comment marks a deliberate difference.

describe('format: %v of numbers (goNumber)', () => {
  const cases: Array<[number, string]> = [
    [0, '0'],
    [3, '3'],
    [-7, '-7'],
    [1.5, '1.5'],
    [-2.25, '-2.25'],
    [0.1, '0.1'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [2.5e-5, '2.5e-05'],
    [123456.5, '123456.5'],
    [1234567.5, '1.2345675e+06'],
    [9007199254740991, '9007199254740991'],
    [1e18, '1000000000000000000'],
    [1e20, '1e+20'],
    [1e21, '1e+21'],
    [1e100, '1e+100'],
    [1e-7, '1e-07'],
    [5e-324, '5e-324'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, '+Inf'],
    [Number.NEGATIVE_INFINITY, '-Inf'],
  ];
  for (const [n, expected] of cases) it(String(n), () => assert.equal(goNumber(n), expected));
});

describe('format: %v of values (formatValue)', () => {
  const cases: Array<[unknown, string]> = [
    ['s', 's'],
    [true, 'true'],
    [false, 'false'],
    [null, '<nil>'],
    [[1, 'a', null], '[1 a <nil>]'],
    [[], '[]'],
    [{ b: 2, a: 1, c: [1, 2] }, 'map[a:1 b:2 c:[1 2]]'],
    [{}, 'map[]'],
    [{ z: { y: 1 } }, 'map[z:map[y:1]]'],
  ];
  for (const [v, expected] of cases) it(JSON.stringify(v), () => assert.equal(formatValue(v), expected));
  it('strval keeps strings and formats the rest', () => {
    assert.equal(strval('x'), 'x');
    assert.equal(strval(3), '3');
    assert.equal(strval(null), '<nil>');
  });
});

describe('format: print and println', () => {
  const cases: Array<[unknown[], string, string]> = [
    [[1, 2, 'a', 'b', 3, true, null], '1 2ab3 true <nil>', '1 2 a b 3 true <nil>\n'],
    [['a', 1, 2, 'b'], 'a1 2b', 'a 1 2 b\n'],
    [[], '', '\n'],
    [[[1, 2], { a: 1 }], '[1 2] map[a:1]', '[1 2] map[a:1]\n'],
  ];
  for (const [args, sprint, sprintln] of cases) {
    it(JSON.stringify(args), () => {
      assert.equal(goSprint(args), sprint);
      assert.equal(goSprintln(args), sprintln);
    });
  }
});

describe('format: printf', () => {
  const cases: Array<[string, unknown[], string]> = [
    ['%d', [3], '3'],
    ['%5d|%-5d|%05d|%+d|% d', [3, 3, -7, 3, 3], '    3|3    |-0007|+3| 3'],
    ['%.3d %5.3d', [7, 7], '007   007'],
    ['%x %X %o %O %b %#x %#o %#b', [255, 255, 8, 8, 5, 255, 8, 5], 'ff FF 10 0o10 101 0xff 010 0b101'],
    ['%x %X', [-255, -255], '-ff -FF'],
    ['%c %U %q', [65, 233, 65], "A U+00E9 'A'"],
    ['%q %q', [39, 34], `'\\'' '"'`],
    ['%s', ['nginx'], 'nginx'],
    ['%10s|%-10s|%.3s', ['abc', 'abc', 'abcdef'], '       abc|abc       |abc'],
    ['%q', ['say "hi"\n\ttab'], '"say \\"hi\\"\\n\\ttab"'],
    ['%q', ['é\u00a0\u2028x'], '"é\\u00a0\\u2028x"'],
    ['%q', ['\x01\x7f'], '"\\x01\\x7f"'],
    ['%q', ['😀'], '"😀"'],
    ['%v %v %v', [['a', 'b'], { b: 2, a: 1 }, true], '[a b] map[a:1 b:2] true'],
    ['%d', [[3, 1, 2]], '[3 1 2]'],
    ['%s', [['a', 'b']], '[a b]'],
    ['%q', [['a', 'b']], '["a" "b"]'],
    ['%f %.2f %8.3f %-8.1f|', [1.5, 1.5, 1.5, 1.5], '1.500000 1.50    1.500 1.5     |'],
    [
      '%e %.2E %g %G',
      [1234567.5, 1234567.5, 1234567.5, 1234567.5],
      '1.234568e+06 1.23E+06 1.2345675e+06 1.2345675E+06',
    ],
    [
      '%g %g %g %.3g %.10g %g',
      [0.0001, 0.00001, 1.5, 1234567.5, 1234567.5, 100000.5],
      '0.0001 1e-05 1.5 1.23e+06 1234567.5 100000.5',
    ],
    ['%.3g %.3g %.1g', [123.5, 0.000123456, 0.5], '124 0.000123 0.5'],
    ['%+.2f %08.3f %+08.3f', [1.5, 1.5, -1.5], '+1.50 0001.500 -001.500'],
    ['%.0f %.0f %.0f %.1f %.2f', [0.5, 1.5, 2.5, 0.25, 1.005], '0 2 2 0.2 1.00'],
    ['%6.2f%%', [99.5], ' 99.50%'],
    ['%08.3f|%-8.2f|%+e', [-3.2468, 2.5, 12345.678], '-003.247|2.50    |+1.234568e+04'],
    ['%e %f', [0, 0], '0.000000e+00 0.000000'],
    ['%x %X % x %#x', ['hi', 'hé', 'hé', 'ab'], '6869 68C3A9 68 c3 a9 0x6162'],
    ['%t %t', [true, false], 'true false'],
    ['%5t|%-6v|%3c|', [true, 'ab', 65], ' true|ab    |  A|'],
    ['100%%', [], '100%'],
    ['%v', [null], '<nil>'],
    ['%s %v|', ['', ''], ' |'],
    // Go's markers for mismatches, missing and extra arguments.
    ['%d', ['x'], '%!d(string=x)'],
    ['%d', [1.5], '%!d(float64=1.5)'],
    ['%t', [1], '%!t(int64=1)'],
    ['%d', [null], '%!d(<nil>)'],
    ['%d %d', [1], '1 %!d(MISSING)'],
    ['%d', [1, 2, 'x', null], '1%!(EXTRA int64=2, string=x, <nil>)'],
    ['%z', [3], '%!z(int64=3)'],
    ['%', [], '%!(NOVERB)'],
    // Guard (Go pads to the full width): widths and precisions over 1e6.
    ['%2000000d|%.2000000f|%d', [1, 2, 3], '%!(BADWIDTH)|%!(BADPREC)|3'],
    // Deliberate: Go prints %!s(int64=3) and %!f(int64=3).
    ['%s-%s', [3, true], '3-true'],
    ['%.2f %e', [3, 3], '3.00 3.000000e+00'],
  ];
  for (const [format, args, expected] of cases) {
    it(`${format} ${JSON.stringify(args)}`, () => assert.equal(goSprintf(format, args), expected));
  }

  it('rounds exact binary ties to even like strconv', () => {
    assert.deepEqual(
      [0.125, 0.375, 2.5, 3.5, -0.5].map((n) => goSprintf('%.2f|%.0f|%.1e', [n, n, n])),
      ['0.12|0|1.2e-01', '0.38|0|3.8e-01', '2.50|2|2.5e+00', '3.50|4|3.5e+00', '-0.50|-0|-5.0e-01'],
    );
  });

  it('formats the extremes of float64 exactly', () => {
    assert.equal(goSprintf('%.3e', [Number.MAX_VALUE]), '1.798e+308');
    assert.equal(goSprintf('%.2f', [1e21]), '1000000000000000000000.00');
    assert.equal(goSprintf('%.5g', [5e-324]), '4.9407e-324');
  });
});

describe('format: strconv.Quote', () => {
  const cases: Array<[string, string]> = [
    ['', '""'],
    ['abc', '"abc"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['\x07\b\f\n\r\t\v', '"\\a\\b\\f\\n\\r\\t\\v"'],
    ['\x00\x1b', '"\\x00\\x1b"'],
    ['héllo wörld', '"héllo wörld"'],
    ['\u200b', '"\\u200b"'],
    ['\u{e0001}', '"\\U000e0001"'],
  ];
  for (const [s, expected] of cases) it(JSON.stringify(s), () => assert.equal(goQuote(s), expected));
});

describe('format: encoding/json', () => {
  const cases: Array<[unknown, string]> = [
    [null, 'null'],
    [true, 'true'],
    [3, '3'],
    [1.5, '1.5'],
    ['a<b>&c', '"a\\u003cb\\u003e\\u0026c"'],
    ['\u2028\n"', '"\\u2028\\n\\""'],
    [[1, 'a', null], '[1,"a",null]'],
    [{ b: 1, a: { d: [], c: {} } }, '{"a":{"c":{},"d":[]},"b":1}'],
  ];
  for (const [v, expected] of cases) it(JSON.stringify(v), () => assert.equal(goJson(v), expected));
  it('rejects values JSON cannot hold', () => {
    assert.throws(() => goJson(Number.NaN), FunctionError);
    assert.throws(() => goJson(new Date(0)), FunctionError);
  });
});
