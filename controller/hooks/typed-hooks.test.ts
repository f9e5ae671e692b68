// Typed hooks run in real worker threads here: loading by name from a hooks directory, the
// reload of an edited file, the timeout that terminates a hook looping forever, the heap limit,
// and reads through ctx.cache going back to the main thread.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type CompiledHook, compileHook } from './compiled-hook.ts';
import type { HookRequest } from './contract.ts';
import { HookError } from './hook-error.ts';
import { createTypedHooks, type TypedHooks } from './typed-hooks.ts';

let dir: string;
let hooks: TypedHooks;

const request: HookRequest = {
  parent: { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'a', namespace: 'ns' }, spec: { n: 2 } },
  children: {},
  rendered: [],
  args: { who: 'there' },
  finalizing: false,
  related: {},
};

function typed(module: string, timeout = '2s', maxHeapMb?: number) {
  const hook = compileHook('b', {
    apiTypes: { group: 'x.io', version: 'v1', kind: 'X' },
    operatorBox: { reconcile: { hooks: { module, timeout, ...(maxHeapMb ? { maxHeapMb } : {}) } } },
  }) as Extract<CompiledHook, { type: 'typed' }>;
  return hook;
}

const call = (module: string, extra: { timeout?: string; fn?: 'sync' | 'finalize'; maxHeapMb?: number } = {}) =>
  hooks.call({
    poolKey: module,
    hook: typed(module, extra.timeout, extra.maxHeapMb),
    workers: 1,
    fn: extra.fn ?? 'sync',
    request,
    onRead: async (op, ref) => (op === 'get' ? { read: ref.name } : []),
  });

function writeHook(name: string, body: string, mtime?: number) {
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, `import { defineHook } from 'orkestra/hooks';\nexport default defineHook(${body});\n`);
  if (mtime !== undefined) utimesSync(file, mtime, mtime);
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'orkestra-hooks-'));
  hooks = createTypedHooks(dir);
});
after(async () => {
  await hooks.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('typed hooks', () => {
  test('a module from the hooks directory answers sync with the request it was given', async () => {
    writeHook('echo', `{ sync: (ctx) => ({ status: { n: ctx.parent.spec.n, who: ctx.args.who } }) }`);
    assert.deepEqual(await call('echo'), { status: { n: 2, who: 'there' } });
  });

  test('finalize defaults to finalized: true when the module has none', async () => {
    assert.deepEqual(await call('echo', { fn: 'finalize' }), { finalized: true });
  });

  test('an edited file is imported anew on the next call', async () => {
    writeHook('edit', `{ sync: () => ({ status: { v: 1 } }) }`, 1_000_000);
    assert.deepEqual(await call('edit'), { status: { v: 1 } });
    writeHook('edit', `{ sync: () => ({ status: { v: 2 } }) }`, 2_000_000);
    assert.deepEqual(await call('edit'), { status: { v: 2 } });
  });

  test('a hook that loops forever is terminated at its timeout, and the next call gets a fresh worker', async () => {
    writeHook('spin', `{ sync: (ctx) => { if (ctx.args.who) for (;;) {} return {}; } }`);
    const started = performance.now();
    await assert.rejects(call('spin', { timeout: '300ms' }), (err: unknown) => {
      assert.ok(err instanceof HookError);
      assert.match(err.message, /ran longer than its timeout of 300 ms; its worker was terminated/);
      assert.equal(err.retryable, true);
      return true;
    });
    assert.ok(performance.now() - started < 2_000);
    writeHook('spin', `{ sync: () => ({ status: { ok: true } }) }`, 3_000_000);
    assert.deepEqual(await call('spin', { timeout: '2s' }), { status: { ok: true } });
  });

  test("a hook looping in one box's pool does not hold up another box's hooks", async () => {
    writeHook('forever', '{ sync: () => { for (;;) {} } }');
    writeHook('quick', '{ sync: () => ({ status: { quick: true } }) }');
    const spinning = call('forever', { timeout: '3s' });
    const started = performance.now();
    assert.deepEqual(await call('quick'), { status: { quick: true } });
    assert.ok(performance.now() - started < 2_000, 'answered while the other pool spins');
    await assert.rejects(spinning, /ran longer than its timeout of 3000 ms/);
  });

  test('a hook that leaks past its heap limit is terminated and reported', async () => {
    writeHook('leak', `{ sync: () => { const a = []; for (;;) a.push(new Array(100000).fill({ x: 1 })); } }`);
    await assert.rejects(call('leak', { timeout: '20s', maxHeapMb: 16 }), /exceeded its heap limit of 16 MiB/);
  });

  test('ctx.cache reads are served by the main thread', async () => {
    writeHook(
      'reader',
      `{ async sync(ctx) { const o = await ctx.cache.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'c' }); return { status: o }; } }`,
    );
    assert.deepEqual(await call('reader'), { status: { read: 'c' } });
  });

  test('a response that breaks the contract is refused with the path of the problem', async () => {
    writeHook('bad', `{ sync: () => ({ children: [{ kind: 'ConfigMap' }] }) }`);
    await assert.rejects(
      call('bad'),
      /hook module bad: response\.children\.0 must have required property 'apiVersion'/,
    );
  });

  test('a missing module names the directory and the files looked for', async () => {
    await assert.rejects(call('absent'), /hook module absent not found in .* \(looked for absent\.ts, absent\.mts/);
  });
});
