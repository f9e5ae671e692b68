// The Website CRD deleted under the running box (every Website goes with it, and the garbage
// collector takes their children), then created again and the Websites with it.
import { isNotFound } from '../../../controller/kube/api-client.ts';
import { eventually } from '../../support/wait.ts';
import { createCrds, createWebsites, type Scenario } from '../scenario.ts';
import { websiteCrd } from '../workload.ts';

export const crdRecreate: Scenario = {
  name: 'crd-recreate',
  title: 'CRD deleted and re-created',
  runs: 1,
  async inject(env) {
    const crd = websiteCrd();
    const path = `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${crd.metadata.name}`;
    await env.admin.request({ method: 'DELETE', path });
    await eventually(
      'the Website CRD gone',
      () =>
        env.admin.request({ method: 'GET', path }).then(
          () => false,
          (err) => isNotFound(err),
        ),
      120_000,
      200,
    );
    await createCrds(env.admin, [crd]);
    const backAt = performance.now();
    await createWebsites(env);
    return { backAt };
  },
};
