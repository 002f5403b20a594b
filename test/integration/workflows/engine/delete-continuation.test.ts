/**
 * A deployment deletion the REST API could not finish within its request (DELETE /deployments
 * keeps ~18 s for itself, then records a pending delete_deployment_environment execution and sends
 * it to the workflow queue) is finished by the workflow engine: the records left behind are
 * deleted, then the deployment and its use of the blueprint, and the execution ends terminated.
 * The hand-off state is built here directly (a deployment partly deleted, the pending record, its
 * start message), as the API leaves it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { instanceStoreId } from '../../../../src/deployments/model';
import { KINDS } from '../../../../src/model/kinds';
import { deploy, events, handOverDeletion, HEADER, instances, startHarness, waitForEnd } from './harness';
import type { Harness } from './harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
}, 180000);

afterAll(async () => {
  await h?.stop();
});

const BLUEPRINT = `${HEADER}
node_templates:
  app:
    type: cloudify.nodes.Root
    capabilities:
      scalable:
        properties:
          default_instances: 30
`;

describe('delete_deployment_environment handed to the workflow engine', () => {
  it('deletes what the request left, then the deployment, and ends the execution terminated', async () => {
    await deploy(h, 'big', BLUEPRINT);
    const before = await instances(h, 'big');
    expect(before).toHaveLength(30);
    // As the API leaves it: some records already gone, the rest and the deployment still there.
    for (const instance of before.slice(0, 12)) await h.model.delete({ kind: KINDS.nodeInstance, tenant: 'default_tenant', id: instanceStoreId(instance.id as string) });
    const id = await handOverDeletion(h, 'big');

    const done = await waitForEnd(h, id, 60000);
    expect({ status: done.status, error: done.error }).toEqual({ status: 'terminated', error: '' });
    await h.rest.error('GET', '/api/v3.1/deployments/big', 404, 'not_found_error');
    expect((await h.rest.list('/api/v3.1/node-instances?deployment_id=big')).metadata.pagination.total).toBe(0);
    expect((await h.rest.list('/api/v3.1/nodes?deployment_id=big')).metadata.pagination.total).toBe(0);
    // Its use of the blueprint went with it: the blueprint is no longer in use.
    await h.rest.ok('DELETE', '/api/v3.1/blueprints/big', 204);
    const types = (await events(h, id)).map((event) => event.event_type);
    expect(types).toEqual(['workflow_started', 'workflow_succeeded']);
  }, 120000);
});
