import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TemplateFailure } from './errors.ts';
import { lex, type TokenType } from './lexer.ts';

function types(src: string): string[] {
  return lex(src)
    .filter((t) => t.type !== 'space')
    .map((t) => (t.type === 'text' ? `text:${t.value}` : t.type));
}

function literalOf(src: string): unknown {
  const token = lex(`{{ ${src} }}`).find((t) => t.type === 'number' || t.type === 'string' || t.type === 'bool');
  return token?.literal;
}

describe('lexer: tokens', () => {
  const cases: Array<[string, string[]]> = [
    ['plain text', ['text:plain text', 'eof']],
    ['', ['eof']],
    ['{{ .spec.image }}', ['leftDelim', 'field', 'field', 'rightDelim', 'eof']],
    ['a{{.}}b', ['text:a', 'leftDelim', 'dot', 'rightDelim', 'text:b', 'eof']],
    ['{{ $x := $ }}', ['leftDelim', 'variable', 'declare', 'variable', 'rightDelim', 'eof']],
    ['{{ $x = 1 }}', ['leftDelim', 'variable', 'assign', 'number', 'rightDelim', 'eof']],
    [
      '{{ range $i, $v := . }}',
      ['leftDelim', 'keyword', 'variable', 'comma', 'variable', 'declare', 'dot', 'rightDelim', 'eof'],
    ],
    [
      '{{ f (g .x) | h }}',
      [
        'leftDelim',
        'identifier',
        'leftParen',
        'identifier',
        'field',
        'rightParen',
        'pipe',
        'identifier',
        'rightDelim',
        'eof',
      ],
    ],
    ['{{ true false nil }}', ['leftDelim', 'bool', 'bool', 'nil', 'rightDelim', 'eof']],
    [
      '{{ if else end range with break continue }}',
      ['leftDelim', 'keyword', 'keyword', 'keyword', 'keyword', 'keyword', 'keyword', 'keyword', 'rightDelim', 'eof'],
    ],
    ['{{ "s" `r` \'c\' 1.5 }}', ['leftDelim', 'string', 'string', 'number', 'number', 'rightDelim', 'eof']],
    ['{{/* comment */}}', ['eof']],
    ['a {{/* c */}} b', ['text:a ', 'text: b', 'eof']],
    ['a  {{- /* c */ -}}  b', ['text:a', 'text:b', 'eof']],
    ['a \n {{- 1 -}} \n b', ['text:a', 'leftDelim', 'number', 'rightDelim', 'text:b', 'eof']],
    ['a {{ 1 }} b', ['text:a ', 'leftDelim', 'number', 'rightDelim', 'text: b', 'eof']],
    ['{{-1}}', ['leftDelim', 'number', 'rightDelim', 'eof']],
    ['x {{1 -}}', ['text:x ', 'leftDelim', 'number', 'rightDelim', 'eof']],
    ['{{ .a }}{{ .b }}', ['leftDelim', 'field', 'rightDelim', 'leftDelim', 'field', 'rightDelim', 'eof']],
    ['{{ .é_1 }}', ['leftDelim', 'field', 'rightDelim', 'eof']],
    ['{{\n.a\n}}', ['leftDelim', 'field', 'rightDelim', 'eof']],
  ];
  for (const [src, expected] of cases) {
    it(JSON.stringify(src), () => assert.deepEqual(types(src), expected));
  }

  it('keeps a space between operands but not inside field chains', () => {
    const tokens = lex('{{ .a.b .c }}').map((t) => t.type);
    assert.deepEqual(tokens, ['leftDelim', 'space', 'field', 'field', 'space', 'field', 'space', 'rightDelim', 'eof']);
  });

  it('records offsets', () => {
    const field = lex('ab{{ .spec }}').find((t) => t.type === 'field');
    assert.deepEqual([field?.pos, field?.end, field?.value], [5, 10, 'spec']);
  });

  it('trims only spaces, tabs, CR and LF', () => {
    assert.deepEqual(types('a\u00a0{{- 1 }}'), ['text:a\u00a0', 'leftDelim', 'number', 'rightDelim', 'eof']);
  });
});

describe('lexer: literals', () => {
  const cases: Array<[string, unknown]> = [
    ['"plain"', 'plain'],
    ['"a\\nb\\tc\\\\d\\"e"', 'a\nb\tc\\d"e'],
    ['"\\a\\b\\f\\r\\v"', '\x07\b\f\r\v'],
    ['"\\x41\\101\\u00e9\\U0001F600"', 'AAé😀'],
    ['"\\xc3\\xa9"', 'é'],
    ['"\\xff"', '\ufffd'],
    ['`raw \\n "x"`', 'raw \\n "x"'],
    ['`a\r\nb`', 'a\nb'],
    ["'a'", 97],
    ["'\\n'", 10],
    ["'\\''", 39],
    ["'\\x41'", 65],
    ["'é'", 233],
    ['42', 42],
    ['-3', -3],
    ['+4', 4],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['-.5', -0.5],
    ['1e3', 1000],
    ['2.5E-2', 0.025],
    ['0x1F', 31],
    ['0X1f', 31],
    ['0o17', 15],
    ['017', 15],
    ['0b101', 5],
    ['1_000', 1000],
    ['0x_ff', 255],
    ['0', 0],
    ['true', true],
    ['false', false],
  ];
  for (const [src, expected] of cases) {
    it(src, () => assert.deepEqual(literalOf(src), expected));
  }
});

describe('lexer: errors', () => {
  const cases: Array<[string, RegExp, number]> = [
    ['{{ .a ', /unclosed action/, 0],
    ['ab{{', /unclosed action/, 2],
    ['{{/* x', /unclosed comment/, 0],
    ['{{/* x */ .a }}', /comment ends before closing delimiter/, 9],
    ['{{ "abc }}', /unterminated quoted string/, 3],
    ['{{ "a\nb" }}', /unterminated quoted string/, 3],
    ['{{ `abc }}', /unterminated raw quoted string/, 3],
    ["{{ 'ab' }}", /malformed character constant/, 3],
    ["{{ 'a }}", /unterminated character constant/, 3],
    ['{{ "\\q" }}', /unknown escape sequence/, 3],
    ['{{ "\\x4" }}', /invalid escape/, 3],
    ['{{ "\\777" }}', /octal escape value > 255/, 3],
    ['{{ "\\uD800" }}', /invalid Unicode code point/, 3],
    ['{{ 3x }}', /bad number syntax: 3x/, 3],
    ['{{ 1.2.3 }}', /bad number syntax/, 3],
    ['{{ 08 }}', /integer overflow: 08/, 3],
    ['{{ 99999999999999999999 }}', /integer overflow/, 3],
    ['{{ 1__0 }}', /illegal number syntax/, 3],
    ['{{ 1i }}', /complex numbers are not supported/, 3],
    ['{{ 0x1p4 }}', /hexadecimal floating-point/, 3],
    ['{{ - }}', /illegal number syntax: -/, 3],
    ['{{ .a-b }}', /bad character U\+002D/, 5],
    ['{{ @ }}', /unrecognized character in action: U\+0040/, 3],
    ['{{ { }}', /unrecognized character/, 3],
    ['{{ a : b }}', /expected :=/, 5],
    ['{{ (1 }}', /unclosed left paren/, 6],
    ['{{ 1) }}', /unexpected right paren/, 4],
  ];
  for (const [src, message, offset] of cases) {
    it(JSON.stringify(src), () => {
      assert.throws(
        () => lex(src),
        (error: unknown) => {
          assert.ok(error instanceof TemplateFailure);
          assert.match(error.message, message);
          assert.equal(error.offset, offset);
          return true;
        },
      );
    });
  }
});

describe('lexer: token type coverage', () => {
  it('produces every token type', () => {
    const seen = new Set<TokenType>();
    for (const src of ['x{{ $a := .b | f (1) "s" true nil . , }}', '{{ $a = 1 }}', '{{ if }}']) {
      for (const t of lex(src)) seen.add(t.type);
    }
    const all: TokenType[] = [
      'text',
      'leftDelim',
      'rightDelim',
      'space',
      'field',
      'variable',
      'dot',
      'identifier',
      'keyword',
      'bool',
      'nil',
      'number',
      'string',
      'pipe',
      'leftParen',
      'rightParen',
      'declare',
      'assign',
      'comma',
      'eof',
    ];
    assert.deepEqual([...seen].sort(), [...all].sort());
  });
});
