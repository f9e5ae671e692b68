// The installed entry points as a user runs them: exit statuses, stdout for data and stderr for
// one-line errors, no colour off a TTY, the kubectl plugin, shell completion, help examples.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCommand } from '../../e2e/support/kubectl.ts';
import { buildProgram } from './main.ts';
import { colourEnabled } from './terminal.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

const run = runCommand;
const orkestra = (args: readonly string[], input?: string) => run(`${root}bin/orkestra`, args, input);

const BAD =
  'apiVersion: orkestra.orkspace.io/v1alpha1\nkind: Katalog\nmetadata: { name: x }\nspec:\n  crds:\n    web:\n      apiTypes: { group: a.io, version: v1, kind: A }\n      operatorBox: { reconcile: { workers: 0 } }\n';

describe('orkestra CLI conventions', () => {
  test('every verb has help with an example', () => {
    for (const command of buildProgram().commands) {
      let help = '';
      command.configureOutput({ writeOut: (s) => (help += s) });
      command.outputHelp();
      assert.match(help, /Examples?:\n {2}\S/, `${command.name()} --help has an example`);
    }
  });

  test('exit 0 clean, 1 with findings (on stdout), 2 on usage errors (one line on stderr)', async () => {
    const clean = await orkestra([
      'validate',
      `${root}examples/katalogs/`,
      `${root}examples/crds/`,
      `${root}examples/resources/`,
    ]);
    assert.equal(clean.code, 0, clean.stderr);
    assert.equal(clean.stdout, '');

    const findings = await orkestra(['validate', '-o', 'github', '-'], BAD);
    assert.equal(findings.code, 1);
    assert.equal(
      findings.stdout,
      '::error file=-,line=8,col=35,title=orkestra validate (document 0)::spec.crds.web.operatorBox.reconcile.workers: Invalid value: 0: should be greater than or equal to 1\n',
    );
    assert.doesNotMatch(findings.stdout, new RegExp(String.fromCharCode(27)), 'no colour when stdout is not a TTY');

    const missing = await orkestra(['validate', 'no/such/file.yaml']);
    assert.equal(missing.code, 2);
    assert.equal(missing.stdout, '');
    assert.equal(missing.stderr, 'error: the path "no/such/file.yaml" does not exist\n');

    const flag = await orkestra(['validate', '--bogus', 'x']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /^error: unknown option '--bogus'/);
  });

  test('colour only on a TTY and never with NO_COLOR', () => {
    assert.equal(colourEnabled({ isTTY: true }, {}), true);
    assert.equal(colourEnabled({ isTTY: true }, { NO_COLOR: '1' }), false);
    assert.equal(colourEnabled({ isTTY: false }, {}), false);
    assert.equal(colourEnabled({}, {}), false);
  });

  test('kubectl orkestra works as a kubectl plugin from PATH', async () => {
    const env = { ...process.env, PATH: `${root}bin:${process.env.PATH}` };
    const r = await run('kubectl', ['orkestra', 'validate', `${root}examples/katalogs/`], '', env);
    assert.equal(r.code, 0, r.stderr);
    const help = await run('kubectl', ['orkestra', 'validate', '--help'], '', env);
    assert.match(help.stdout, /^Usage: kubectl orkestra validate/);
  });

  test('bash completion completes verbs and their flags', async () => {
    const script = (await orkestra(['completion', 'bash'])).stdout;
    const complete = (words: string) =>
      run('bash', [
        '-c',
        `${script}\nCOMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _orkestra; echo "\${COMPREPLY[@]}"`,
      ]);
    assert.equal((await complete('orkestra val')).stdout.trim(), 'validate');
    assert.equal((await complete('orkestra validate --out')).stdout.trim(), '--output');
    const zsh = await orkestra(['completion', 'zsh']);
    assert.match(zsh.stdout, /^#compdef orkestra\n/);
    const fish = await orkestra(['completion', 'fish']);
    assert.equal(fish.code, 2);
    assert.equal(fish.stderr, 'error: unsupported shell "fish": use bash or zsh\n');
  });
});
