// Start-up latencies on a quiet control plane: definition applied -> first child, per controller,
// and (Orkestra only) CRD applied -> box Running for a Katalog that waited for its CRD.
import type { ApiClient } from '../controller/kube/api-client.ts';
import { isNotFound } from '../controller/kube/api-client.ts';
import type { ControlPlane } from '../e2e/control-plane/control-plane.ts';
import { createCrd } from '../e2e/support/crds.ts';
import { eventually } from '../e2e/support/wait.ts';
import { preparePeer } from './converge.ts';
import type { Peer } from './peer.ts';
import { crsPath, websiteCr, websiteCrd } from './workload.ts';

async function exists(client: ApiClient, path: string): Promise<boolean> {
  try {
    await client.request({ method: 'GET', path });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/**
 * Definition (Katalog or RGD) applied -> the first child (the Deployment) of a Website exists, over
 * `kinds` fresh kinds. Where the bench owns the CRD, it and the Website exist before the clock
 * starts; where the controller generates the CRD (kro), the Website is created the moment the API
 * server accepts it, so the figure includes CRD generation, as a user applying both at once sees.
 */
export async function firstChildRun(
  peer: Peer,
  cp: ControlPlane,
  client: ApiClient,
  kinds: number,
  workers: number,
): Promise<number[]> {
  await preparePeer(peer, cp, client, peer.subject('Lat0'));
  const controller = await peer.start(cp, { workers });
  try {
    const out: number[] = [];
    for (let i = 0; i < kinds; i++) {
      const subject = peer.subject(`Lat${i}`);
      const name = `one-${i}`;
      const create = () => client.request({ method: 'POST', path: crsPath(subject), body: websiteCr(subject, name) });
      if (peer.benchOwnsCrd) {
        if (i > 0) await createCrd(client, websiteCrd(subject));
        await create();
      }
      const t = performance.now();
      await peer.define(client, `lat${i}`, subject);
      if (!peer.benchOwnsCrd) await eventually('Website accepted', () => create().then(() => true), 60_000, 5);
      await eventually(
        'first child',
        () => exists(client, `/apis/apps/v1/namespaces/${subject.namespace}/deployments/${name}`),
        120_000,
        5,
      ).catch(async (err: unknown) => {
        throw new Error(
          `${peer.name} ${subject.kind}: ${(err as Error).message}; ${await peer.describe(client, `lat${i}`)}`,
        );
      });
      out.push(performance.now() - t);
    }
    return out;
  } finally {
    await controller.stop();
  }
}

/** Orkestra only: a Katalog waiting for its CRD -> CRD applied -> box Running. */
export async function crdToRunningRun(
  peer: Peer,
  cp: ControlPlane,
  client: ApiClient,
  samples: number,
  workers: number,
) {
  const controller = await peer.start(cp, { workers });
  type Boxes = { status?: { boxes?: Record<string, { phase: string }> } };
  const phase = async (name: string) =>
    (await client.request<Boxes>({ method: 'GET', path: `/apis/orkestra.orkspace.io/v1alpha1/katalogs/${name}` }))
      .status?.boxes?.website?.phase;
  try {
    const out: number[] = [];
    for (let i = 0; i < samples; i++) {
      const subject = peer.subject(`Late${i}`);
      const name = `late${i}`;
      await peer.define(client, name, subject);
      await eventually('WaitingForCRD', async () => (await phase(name)) === 'WaitingForCRD', 30_000, 20);
      const t = performance.now();
      await client.request({
        method: 'POST',
        path: '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
        body: websiteCrd(subject),
      });
      await eventually('Running', async () => (await phase(name)) === 'Running', 30_000, 5);
      out.push(performance.now() - t);
    }
    return out;
  } finally {
    await controller.stop();
  }
}
