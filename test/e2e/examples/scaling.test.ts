/**
 * examples/scaling with the stratus CLI as real processes: the scaling group's and the node's
 * instance counts follow the inputs in `plan` and in a real install on the local runtime (central
 * stratus.ops.* operations only, no agent), scaled out and back in with `executions start scale`;
 * out-of-range counts are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import type { LocalRuntime } from '../../../local/runtime';
import { startTestRuntime } from '../../support/local-runtime';
import { RestClient } from '../../support/rest/client';
import { Cli, repoRoot } from '../cli/cli-process';
import { waitUntil } from './examples-support';

const EXAMPLE = path.join(repoRoot, 'examples/scaling');
const BLUEPRINT = path.join(EXAMPLE, 'blueprint.yaml');
let runtime: LocalRuntime;
let cli: Cli;
let rest: RestClient; // read-only checks go straight to the API (each CLI process costs a second)

interface PlannedInstance {
  id: string;
  node_id: string;
  scaling_groups: { name: string; id: string }[];
  relationships: { target_id: string }[];
}

function count(instances: { node_id: string }[], node: string): number {
  return instances.filter((i) => i.node_id === node).length;
}

beforeAll(async () => {
  runtime = await startTestRuntime();
  cli = new Cli(runtime);
  rest = new RestClient(runtime);
}, 60000);

afterAll(async () => {
  await runtime?.stop();
});

describe('examples/scaling', () => {
  it('plans the tier group and the frontend node from the inputs', async () => {
    expect(await cli.ok(['blueprints', 'validate', BLUEPRINT])).toContain('is valid');
    const plan = await cli.json<{ node_instances: PlannedInstance[]; scaling_groups: Record<string, { members: string[]; properties: Record<string, number> }> }>(['blueprints', 'plan', BLUEPRINT, '-i', 'tier_instances=3', '-i', 'frontends=2']);
    expect(plan.scaling_groups.tier).toMatchObject({ members: ['app', 'cache'], properties: { min_instances: 1, max_instances: 10, default_instances: 3 } });
    expect([count(plan.node_instances, 'app'), count(plan.node_instances, 'cache'), count(plan.node_instances, 'frontend')]).toEqual([3, 3, 2]);
    // Each app depends on the cache of its own tier instance; every frontend is connected to every app.
    for (const app of plan.node_instances.filter((i) => i.node_id === 'app')) {
      const cache = plan.node_instances.find((i) => i.id === app.relationships[0].target_id)!;
      expect(cache.scaling_groups).toEqual(app.scaling_groups);
    }
    const frontend = plan.node_instances.find((i) => i.node_id === 'frontend')!;
    expect(frontend.relationships).toHaveLength(3);
  });

  it('refuses counts out of range', async () => {
    const tooMany = await cli.run(['blueprints', 'plan', BLUEPRINT, '-i', 'tier_instances=11']);
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toContain('violates constraint in_range(1, 10)');
    const frontends = await cli.run(['blueprints', 'plan', BLUEPRINT, '-i', 'frontends=4']);
    expect(frontends.code).toBe(1);
    expect(frontends.stderr).toContain('Node frontend: default_instances 4 is not within [1, 3]');
  });

  it('installs every instance with central operations, scales the tier out and in, and uninstalls them', async () => {
    await cli.ok(['blueprints', 'upload', EXAMPLE, '-b', 'scaling']);
    await cli.ok(['deployments', 'create', 'scaling', '-b', 'scaling', '-i', 'tier_instances=3', '--timeout', '30']);
    await cli.ok(['executions', 'start', 'install', '-d', 'scaling', '--timeout', '90']);
    const listed = (await cli.json<{ items: { node_id: string; state: string }[] }>(['node-instances', 'list', '-d', 'scaling'])).items;
    expect([count(listed, 'app'), count(listed, 'cache'), count(listed, 'frontend')]).toEqual([3, 3, 1]);
    expect(listed.every((i) => i.state === 'started')).toBe(true);
    const outputs = (await cli.json<{ outputs: { app_roles: unknown[]; cache_sizes: unknown[] } }>(['deployments', 'outputs', 'scaling'])).outputs;
    expect(outputs).toEqual({ app_roles: ['app', 'app', 'app'], cache_sizes: [64, 64, 64] });

    // Scale the tier group out by one (a new app and its cache, the frontend connected to the new app too), then back in.
    await cli.ok(['executions', 'start', 'scale', '-d', 'scaling', '-p', 'scalable_entity_name=tier', '-p', 'delta=1', '--timeout', '90']);
    const out = (await rest.list('/api/v3.1/node-instances?deployment_id=scaling')).items as unknown as (PlannedInstance & { state: string })[];
    expect([count(out, 'app'), count(out, 'cache'), count(out, 'frontend')]).toEqual([4, 4, 1]);
    expect(out.every((i) => i.state === 'started')).toBe(true);
    expect(out.find((i) => i.node_id === 'frontend')!.relationships).toHaveLength(4);
    const tooMany = await cli.run(['executions', 'start', 'scale', '-d', 'scaling', '-p', 'scalable_entity_name=tier', '-p', 'delta=7']);
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toContain('outside its bounds [1, 10]');
    await cli.ok(['executions', 'start', 'scale', '-d', 'scaling', '-p', 'scalable_entity_name=tier', '-p', 'delta=-1', '--timeout', '90']);
    const back = (await rest.list('/api/v3.1/node-instances?deployment_id=scaling')).items as unknown as PlannedInstance[];
    expect([count(back, 'app'), count(back, 'cache'), count(back, 'frontend')]).toEqual([3, 3, 1]);
    expect(back.find((i) => i.node_id === 'frontend')!.relationships).toHaveLength(3);

    await cli.ok(['executions', 'start', 'uninstall', '-d', 'scaling', '--timeout', '90']);
    const after = (await rest.list('/api/v3.1/node-instances?deployment_id=scaling')).items;
    expect(after.map((i) => i.state)).toEqual(Array(7).fill('deleted'));
    await cli.ok(['deployments', 'delete', 'scaling']);
    await waitUntil('the deployment to be deleted', async () => ((await rest.call('GET', '/api/v3.1/deployments/scaling')).status === 404 ? true : undefined));
    await cli.ok(['blueprints', 'delete', 'scaling']);
  }, 240000); // ~30-60 s; the margin is for a loaded machine
});
