// User-supplied regular expressions (the `regex` condition operator, CRD `pattern`s checked by
// `orkestra validate`) run on re2js: RE2 syntax, matching in time linear in the input. JavaScript's
// RegExp backtracks, so a pattern such as `^(a+)+$` against 30 characters blocks the event loop —
// and with it every other box — for tens of seconds. RE2 is also what the API server uses for CEL
// `matches()` and CRD `pattern`, so a pattern means the same thing at admission and at reconcile.
import { RE2JS } from 're2js';

/** The longest regex pattern accepted (a guard against pathological patterns). */
export const MAX_REGEX_LENGTH = 1024;

/** A compiled pattern: `test` finds a match anywhere in the string (unanchored, as RegExp.test). */
export interface LinearRegex {
  test(input: string): boolean;
}

/** Compiles an RE2 pattern; throws an Error saying why it does not compile. */
export function compileLinearRegex(pattern: string): LinearRegex {
  if (pattern.length > MAX_REGEX_LENGTH) {
    throw new Error(`pattern is ${pattern.length} characters, more than the ${MAX_REGEX_LENGTH} allowed`);
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (e) {
    throw new Error(e instanceof Error ? e.message : String(e));
  }
  return { test: (input) => re.matcher(input).find() };
}
