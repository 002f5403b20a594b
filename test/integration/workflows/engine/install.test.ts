/**
 * The engine on the real local runtime: install and uninstall of a multi-node blueprint of
 * stratus.ops.* operations, with ordering checked from the recorded task events, node-instance
 * states and runtime properties written by operations, progress counters and the deployment's
 * latest_execution_* fields.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { StoredEvent } from '../../../../src/events/model';
import { deploy, events, HEADER, instances, run, starts, startHarness, waitForEnd } from './harness';
import type { Harness } from './harness';

let h: Harness;

const APP = `${HEADER}
node_templates:
  host:
    type: cloudify.nodes.Compute
    properties: {agent_config: {install_method: none}}
    interfaces:
      cloudify.interfaces.lifecycle:
        create: {implementation: stratus.ops.set_runtime_properties, inputs: {properties: {ip: 10.0.0.1}}}
        start: stratus.ops.noop
        stop: stratus.ops.noop
        delete: stratus.ops.noop
  db:
    type: cloudify.nodes.Root
    relationships:
      - {type: cloudify.relationships.contained_in, target: host}
    interfaces:
      cloudify.interfaces.lifecycle:
        create: stratus.ops.noop
        configure:
          implementation: stratus.ops.set_runtime_properties
          inputs: {properties: {url: {concat: ['db://', {get_attribute: [host, ip]}]}}}
        start: stratus.ops.noop
        stop: stratus.ops.noop
        delete: stratus.ops.noop
  app:
    type: cloudify.nodes.Root
    capabilities: {scalable: {properties: {default_instances: 2}}}
    relationships:
      - {type: cloudify.relationships.contained_in, target: host}
      - {type: cloudify.relationships.connected_to, target: db}
    interfaces:
      cloudify.interfaces.lifecycle:
        create: stratus.ops.noop
        start: {implementation: stratus.ops.sleep, inputs: {seconds: 0.05}}
        stop: stratus.ops.noop
        delete: stratus.ops.noop
`;

beforeAll(async () => {
  h = await startHarness();
  await deploy(h, 'app', APP);
}, 120000);

afterAll(async () => {
  await h?.stop();
});

function position(list: StoredEvent[], type: string, instancePrefix: string, operation: string): number {
  const index = list.findIndex((e) => e.event_type === type && (e.node_instance_id ?? '').startsWith(instancePrefix) && e.operation === operation);
  if (index < 0) throw new Error(`No ${type} of ${operation} on ${instancePrefix}`);
  return index;
}

describe('install then uninstall', () => {
  it('installs in dependency order and records state, runtime properties and progress', async () => {
    const started = await run(h, 'app', 'install');
    expect(started.status).toBe('pending');
    const done = await waitForEnd(h, started.id as string);
    expect(done).toMatchObject({ status: 'terminated', status_display: 'completed', error: '' });
    expect(done.total_operations).toBe(9);
    expect(done.finished_operations).toBe(9);

    const list = await events(h, started.id as string);
    const counts = starts(list);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(counts.size).toBe(9);
    const create = 'cloudify.interfaces.lifecycle.create';
    const start = 'cloudify.interfaces.lifecycle.start';
    // The host is fully started before anything contained in it starts; the apps wait for the db.
    expect(position(list, 'task_succeeded', 'host', start)).toBeLessThan(position(list, 'task_started', 'db', create));
    expect(position(list, 'task_succeeded', 'db', start)).toBeLessThan(position(list, 'task_started', 'app', create));
    expect(list.filter((e) => e.event_type === 'workflow_started')).toHaveLength(1);
    expect(list.filter((e) => e.event_type === 'workflow_succeeded')).toHaveLength(1);
    expect(list.every((e) => 'node_instance_id' in e && 'error_causes' in e && 'operation' in e)).toBe(true);

    const all = await instances(h, 'app');
    expect(all).toHaveLength(4);
    expect(all.every((i) => i.state === 'started')).toBe(true);
    const db = all.find((i) => i.node_id === 'db')!;
    expect(db.runtime_properties).toEqual({ url: 'db://10.0.0.1' });
    const deployment = await h.rest.ok('GET', '/api/v3.1/deployments/app', 200);
    expect(deployment).toMatchObject({ latest_execution: started.id, latest_execution_status: 'completed', latest_execution_total_operations: 9, latest_execution_finished_operations: 9, installation_status: 'active' });
  }, 90000);

  it('uninstalls in reverse order', async () => {
    const started = await run(h, 'app', 'uninstall');
    const done = await waitForEnd(h, started.id as string);
    expect(done.status).toBe('terminated');
    const list = await events(h, started.id as string);
    const stop = 'cloudify.interfaces.lifecycle.stop';
    const del = 'cloudify.interfaces.lifecycle.delete';
    expect(position(list, 'task_succeeded', 'app', del)).toBeLessThan(position(list, 'task_started', 'db', stop));
    expect(position(list, 'task_succeeded', 'db', del)).toBeLessThan(position(list, 'task_started', 'host', stop));
    expect((await instances(h, 'app')).every((i) => i.state === 'deleted')).toBe(true);
    expect((await h.rest.ok('GET', '/api/v3.1/deployments/app', 200)).installation_status).toBe('inactive');
  }, 90000);
});
