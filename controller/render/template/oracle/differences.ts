/**
 * Where Orkestra's engine deliberately differs from Go text/template + Sprig v3.3.0 (+ Helm's
 * setup and functions). Each entry says why and how to recognise it, so a case tagged with it
 * passes only when the difference is the expected one; docs/templates.md prints this table.
 */
export interface Outcome {
  readonly ok: boolean;
  /** Output when ok, the error message otherwise. */
  readonly text: string;
}

export interface Difference {
  readonly title: string;
  readonly reason: string;
  /** True when this Go/Orkestra pair is the expected difference. */
  readonly recognise: (go: Outcome, ts: Outcome) => boolean;
}

export const DIFFERENCES = {
  'missing-data-fails': {
    title: 'Missing data fails the render',
    reason:
      'Helm renders a missing field as empty text (`missingkey=zero`); Orkestra fails with the data path, so a typo never writes an empty field into a child. Guards (`if`, `with`, `default`, `empty`, `coalesce`, `and`, `or`, `not`, `eq`, `ne`, `required`, `hasKey`-style checks) still accept it.',
    recognise: (go, ts) => go.ok && !ts.ok && ts.text.includes('missing field'),
  },
  'missing-chain-is-missing': {
    title: 'A field of a missing value is missing too',
    reason:
      '`.spec.nope.deeper | default "d"` gives "d"; Go fails with "nil pointer evaluating interface {}.deeper". The whole chain is missing, so `default` applies.',
    recognise: (go, ts) => !go.ok && ts.ok,
  },
  'int-parameters-accept-int64': {
    title: 'Count arguments accept any integer',
    reason:
      'Go passes only an `int` to an `int` parameter (`trunc`, `until`, `indent`, `repeat`, ...), so an integer from the custom resource (int64) fails with "expected int; got int64" and Helm authors write `| int`. Orkestra accepts any integer there; `| int` still works.',
    recognise: (go, ts) => !go.ok && /expected int; got int64/.test(go.text) && ts.ok,
  },
  'integral-floats-are-integers': {
    title: 'Integral floats are integers',
    reason:
      'Data is JSON, where 3 and 3.0 are the same number: a float64 result with an integral value (`float64 3`, `mulf 1000 1000`, `1e6`) prints and types as an integer (`1000000`, `int64`), where Go prints `1e+06` and `float64`.',
    recognise: (go, ts) => go.ok && ts.ok && (/e\+/.test(go.text) || /float64/.test(go.text)),
  },
  'integer-literals-are-int64': {
    title: 'Integer literals are int64',
    reason: 'Go types the literal `3` as `int`; Orkestra has one integer type, int64, as Kubernetes data does.',
    recognise: (go, ts) => go.ok && ts.ok && go.text === 'int' && ts.text === 'int64',
  },
  'numbers-compare-by-value': {
    title: 'Numbers compare by value',
    reason:
      "Go's `reflect.DeepEqual` (used by `has`, `without`, `uniq`, `deepEqual`) says the literal `3` (int) differs from 3 in the data (int64), and `eq 1 1.5` fails on int vs float; Orkestra compares numbers by value.",
    recognise: (go, ts) => (go.ok ? go.text === 'false' && ts.text === 'true' : ts.ok),
  },
  'split-gives-a-dict': {
    title: '`split` gives an ordinary dict',
    reason:
      "Go's `split` and `splitn` return map[string]string, which `keys`, `merge`, `pick` and the other dict functions (map[string]interface {}) reject; here the result is a dict like any other.",
    recognise: (go, ts) => !go.ok && /got map\[string\]string/.test(go.text) && ts.ok,
  },
  'data-is-never-modified': {
    title: "The custom resource's data is never modified",
    reason:
      "`set`, `unset`, `merge` change dicts the template built (`dict`, `deepCopy`, `merge (dict) ...`); on the custom resource's own data they fail, because the data is shared with the watch cache.",
    recognise: (go, ts) => go.ok && !ts.ok && /cannot change the custom resource/.test(ts.text),
  },
  'semver-is-an-object': {
    title: '`semver` returns an object',
    reason:
      'Go returns a *Version that prints as `1.2.3`; Orkestra returns `{Major, Minor, Patch, Prerelease, Metadata, Original}`, so `.Major` works and printing it shows the object (use `.Original`).',
    recognise: (go, ts) => go.ok && ts.ok && ts.text.startsWith('map['),
  },
  'orkestra-extensions': {
    title: '`toInt` and `toBool` exist',
    reason:
      'Orkestra adds strict conversions that fail on text they cannot read (Sprig `int` returns 0); Go has no such function.',
    recognise: (go, ts) => !go.ok && /not defined/.test(go.text) && ts.ok,
  },
  'from-yaml-errors-fail': {
    title: 'Invalid YAML fails the render',
    reason:
      "Helm's `fromYaml` returns `{Error: ...}` for invalid YAML; Orkestra fails the render with the parser's message.",
    recognise: (go, ts) => go.ok && go.text.startsWith('map[Error:') && !ts.ok,
  },
  'strings-are-valid-utf8': {
    title: 'Strings are valid UTF-8',
    reason:
      'Go strings are bytes and may hold invalid UTF-8 (`trunc 1 "é!"` cuts a character in half, `decryptAES` with a wrong key yields garbage bytes); JSON cannot carry such bytes, so they become U+FFFD here, and `len` counts its 3 bytes.',
    recognise: (go, ts) => go.ok && ts.ok && /^[0-9]+$/.test(go.text) && Number(ts.text) > Number(go.text),
  },
} satisfies Record<string, Difference>;

export type DifferenceName = keyof typeof DIFFERENCES;
