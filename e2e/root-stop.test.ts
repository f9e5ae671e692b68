// Stopping the controller must not wait for caches that will never sync: a LIST that RBAC refuses
// (here: Komposers) keeps the root controller's start-up waiting, and stop() must still return.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type ApiClient, createApiClient, loadKubeConfig } from '../controller/kube/api-client.ts';
import { startInProcessController } from './support/controller.ts';
import { applyOrkestraCrds } from './support/crds.ts';
import { testKubeconfig } from './support/kubectl.ts';
import {
  ensureServiceAccount,
  grantClusterRole,
  revokeClusterRole,
  serviceAccountClient,
} from './support/service-account.ts';

const ROLE = `root-stop-${process.pid}`;
let admin: ApiClient;
let client: ApiClient;

before(async () => {
  admin = createApiClient(loadKubeConfig(testKubeconfig()));
  await applyOrkestraCrds();
  const sa = await ensureServiceAccount(admin, `root-stop-${process.pid}`, 'controller');
  // Katalogs and CRDs, but not Komposers: that cache never syncs.
  await grantClusterRole(admin, sa, ROLE, [
    { apiGroups: ['orkestra.orkspace.io'], resources: ['katalogs'], verbs: ['get', 'list', 'watch'] },
    { apiGroups: ['apiextensions.k8s.io'], resources: ['customresourcedefinitions'], verbs: ['get', 'list', 'watch'] },
  ]);
  client = await serviceAccountClient(admin, sa);
});

after(async () => {
  client.close();
  await revokeClusterRole(admin, ROLE);
  admin.close();
});

test('stop() returns while a root cache cannot sync (its LIST is forbidden)', { timeout: 30_000 }, async () => {
  const controller = startInProcessController(client);
  const synced = await Promise.race([
    controller.root.waitForSync().then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), 2_000)),
  ]);
  assert.equal(synced, false, 'the Komposer cache cannot sync without list permission');
  const started = performance.now();
  await controller.stop();
  const tookMs = Math.round(performance.now() - started);
  console.log(`# stop() with an unsyncable cache returned after ${tookMs} ms`);
  assert.ok(tookMs < 15_000, `stop took ${tookMs} ms`);
});
