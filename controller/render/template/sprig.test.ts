// What the Go oracle cannot show: the custom resource stays untouched, bounds hold, regular
// expressions run in linear time, refused functions fail at compile time.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileTemplate, MAX_RANGE_ITERATIONS, TemplateError } from './index.ts';

const render = (source: string, data: Record<string, unknown>): unknown => compileTemplate(source, 'f').render(data);

describe('Sprig functions: the data is never modified', () => {
  it('set and unset change dicts the template built', () => {
    assert.equal(
      render('{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $_ := unset $d "a" }}{{ toJson $d }}', {}),
      '{"b":2}',
    );
  });

  it('set on the custom resource fails and leaves it alone', () => {
    const data = { metadata: { labels: { app: 'web' } } };
    assert.throws(
      () => render('{{ $_ := set .metadata.labels "x" "y" }}', data),
      (e: unknown) => e instanceof TemplateError && /set cannot change the custom resource's data/.test(e.message),
    );
    assert.deepEqual(data, { metadata: { labels: { app: 'web' } } });
  });

  it('merge into a built dict copies nested data before merging into it', () => {
    const data = { spec: { limits: { cpu: '1' } } };
    const out = render(
      '{{ $d := dict "limits" .spec.limits }}{{ toJson (merge $d (dict "limits" (dict "memory" "1Gi"))) }}',
      data,
    );
    assert.equal(out, '{"limits":{"cpu":"1","memory":"1Gi"}}');
    assert.deepEqual(data, { spec: { limits: { cpu: '1' } } });
  });

  it('deepCopy of the data can be changed', () => {
    const data = { spec: { a: { b: 1 } } };
    assert.equal(render('{{ $c := deepCopy .spec.a }}{{ $_ := set $c "b" 2 }}{{ $c.b }}/{{ .spec.a.b }}', data), '2/1');
  });
});

describe('Sprig functions: bounds', () => {
  it(`until refuses more than ${MAX_RANGE_ITERATIONS} elements, as a limit`, () => {
    assert.throws(
      () => render(`{{ len (until ${MAX_RANGE_ITERATIONS + 1}) }}`, {}),
      (e: unknown) =>
        e instanceof TemplateError &&
        e.limitExceeded &&
        e.reason === `error calling until: more than ${MAX_RANGE_ITERATIONS} elements`,
    );
    assert.equal(render(`{{ len (until ${MAX_RANGE_ITERATIONS}) }}`, {}), MAX_RANGE_ITERATIONS);
  });

  it('repeat refuses a result larger than the output cap before building it', () => {
    assert.throws(
      () => render('{{ repeat 100000000 "ab" }}', {}),
      (e: unknown) =>
        e instanceof TemplateError && e.limitExceeded && /error calling repeat: result larger than/.test(e.reason),
    );
  });

  it('a pathological regular expression runs in linear time (RE2)', () => {
    const input = `${'a'.repeat(50_000)}!`;
    const start = performance.now();
    assert.equal(render('{{ regexMatch "^(a+)+$" .s }}', { s: input }), false);
    assert.ok(performance.now() - start < 2000, 'matched in linear time');
  });
});

describe('refused functions', () => {
  for (const [name, reason] of [
    ['now', /it reads the clock/],
    ['uuidv4', /its result changes on every call/],
    ['expandenv', /templates must not read the controller's environment/],
    ['getHostByName', /templates must not reach the network/],
    ['derivePassword', /scrypt/],
    ['include', /needs a Helm chart/],
  ] as const) {
    it(`${name} fails to compile with the reason`, () => {
      assert.throws(
        () => compileTemplate(`{{ ${name} }}`, 'spec.x'),
        (e: unknown) =>
          e instanceof TemplateError &&
          e.message.includes(`function "${name}" is not allowed: `) &&
          reason.test(e.message),
      );
    });
  }
});
