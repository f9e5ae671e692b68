// The generated CRDs through every GitOps path: plain client-side `kubectl apply -f crds/` (what
// Argo CD's default sync and many scripts do) stores the whole CRD in the
// last-applied-configuration annotation, which the API server caps at 256 KiB. The CRDs must fit,
// and `kubectl explain` must still document the child fields users look up in every phase.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { kubectlOk } from './support/kubectl.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

describe('crds/ with client-side kubectl apply', () => {
  test('kubectl apply -f crds/ succeeds and records the last-applied annotation', async () => {
    await kubectlOk(['apply', '-f', `${root}crds/`]);
    await kubectlOk(['wait', '--for=condition=Established', '--timeout=60s', '-f', `${root}crds/`]);
    for (const name of ['katalogs.orkestra.orkspace.io', 'komposers.orkestra.orkspace.io']) {
      const crd = JSON.parse(await kubectlOk(['get', 'crd', name, '-o', 'json']));
      const applied = crd.metadata.annotations?.[LAST_APPLIED] as string | undefined;
      assert.ok(applied, `${name} carries ${LAST_APPLIED}`);
      assert.ok(applied.length < 256 * 1024, `${name}: ${applied.length} bytes`);
      // A second client-side apply computes its patch from that annotation: nothing changes.
      assert.match(await kubectlOk(['apply', '-f', `${root}crds/`]), /unchanged/);
    }
  });

  test('kubectl explain documents child fields in onCreate, onReconcile and onDelete', async () => {
    const base = 'katalog.spec.crds.operatorBox.reconcile';
    for (const phase of ['onCreate', 'onReconcile']) {
      assert.match(await kubectlOk(['explain', `${base}.${phase}.deployments`]), /A Deployment with one container/);
      assert.match(await kubectlOk(['explain', `${base}.${phase}.deployments.image`]), /Container image/);
      assert.match(await kubectlOk(['explain', `${base}.${phase}.services.port`]), /Service port/);
      assert.match(await kubectlOk(['explain', `${base}.${phase}.configMaps.when`]), /All must hold/);
      assert.match(await kubectlOk(['explain', `${base}.${phase}.jobs.forEach`]), /One child per list item/);
    }
    assert.match(await kubectlOk(['explain', `${base}.onDelete.groups`]), /Deletion groups, in order/);
    assert.match(
      await kubectlOk(['explain', 'katalog.spec.crds.admission.validation.rules.value']),
      /Operand of operator/,
    );
    assert.match(
      await kubectlOk(['explain', 'komposer.spec.crds.operatorBox.reconcile.onReconcile.hpa.maxReplicas']),
      /Upper bound/,
    );
  });
});
