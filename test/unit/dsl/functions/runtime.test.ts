import { describe, expect, it } from '@jest/globals';
import type { Dict, Value } from '../../../../src/dsl/plan';
import {
  type Frame,
  type InstanceLike,
  type MemoryContextData,
  evaluateCapabilities,
  evaluateFunctions,
  evaluateNodeProperties,
  evaluateOutputs,
  evaluateValue,
  memoryContext,
} from '../../../../src/dsl/functions';
import { connectedTo, containedIn, node } from '../instances/plan-builder';

// Two hosts, each with one app; a db with two instances that each app connects to one of
// (the app's single relationship picks it); a lone cache.
const nodes = [
  node('host', { compute: true, properties: { ip: 'node-ip', port: 22 } }),
  node('app', { relationships: [containedIn('host'), connectedTo('db')], properties: { path: '/srv' } }),
  node('db', { properties: { port: 5432 } }),
  node('cache', { properties: { size: 1 } }),
];
const instances: InstanceLike[] = [
  { id: 'host_a', node_id: 'host', index: 0, runtime_properties: { ip: '10.0.0.1', nested: { list: [{ k: 'v' }] } }, relationships: [], scaling_groups: [] },
  { id: 'host_b', node_id: 'host', index: 1, runtime_properties: { ip: '10.0.0.2' }, relationships: [], scaling_groups: [] },
  {
    id: 'app_a',
    node_id: 'app',
    index: 0,
    runtime_properties: { derived: { get_attribute: ['SELF', 'node_instance_index'] } },
    relationships: [
      { type: 'cloudify.relationships.contained_in', target_name: 'host', target_id: 'host_a' },
      { type: 'cloudify.relationships.connected_to', target_name: 'db', target_id: 'db_1' },
    ],
    scaling_groups: [],
  },
  {
    id: 'app_b',
    node_id: 'app',
    index: 1,
    runtime_properties: {},
    relationships: [
      { type: 'cloudify.relationships.contained_in', target_name: 'host', target_id: 'host_b' },
      { type: 'cloudify.relationships.connected_to', target_name: 'db', target_id: 'db_1' },
      { type: 'cloudify.relationships.connected_to', target_name: 'db', target_id: 'db_2' },
    ],
    scaling_groups: [],
  },
  { id: 'db_1', node_id: 'db', index: 0, runtime_properties: { url: 'db-one', explicit_null: null }, relationships: [], scaling_groups: [] },
  { id: 'db_2', node_id: 'db', index: 1, runtime_properties: { url: 'db-two' }, relationships: [], scaling_groups: [] },
  { id: 'cache_1', node_id: 'cache', index: 0, runtime_properties: { size: 64 }, relationships: [], scaling_groups: [] },
];
const data: MemoryContextData = {
  nodes,
  instances,
  inputs: { port: 80 },
  secrets: { plain: 's3cr3t', json: '{"users": [{"name": "ann"}], "n": 1}', broken: '{nope' },
  capabilities: { other: { endpoint: { hosts: ['h1', 'h2'] }, flat: 'x' } },
  labels: { env: ['prod', 'eu'] },
  sys: { tenant: { name: 'default_tenant' }, deployment: { id: 'dep1', name: 'Dep One', blueprint: 'bp', owner: 'admin' } },
};
const context = memoryContext(data);
const selfFrame = (self: string, nodeName: string): Frame => ({ scope: 'node_template', path: 'op.inputs', node: nodeName, self });

function run(value: Value, frame: Frame = { scope: 'other', path: 'payload' }, ctx = context): Promise<Value> {
  return evaluateValue(value, frame, { mode: 'runtime', context: ctx });
}

describe('get_attribute', () => {
  it('reads runtime properties first, with nested paths', async () => {
    expect(await run({ get_attribute: ['SELF', 'ip'] }, selfFrame('host_a', 'host'))).toBe('10.0.0.1');
    expect(await run({ get_attribute: ['SELF', 'nested', 'list', 0, 'k'] }, selfFrame('host_a', 'host'))).toBe('v');
  });
  it('answers node_instance_id and node_instance_index', async () => {
    expect(await run({ get_attribute: ['SELF', 'node_instance_id'] }, selfFrame('host_b', 'host'))).toBe('host_b');
    expect(await run({ get_attribute: ['SELF', 'node_instance_index'] }, selfFrame('host_b', 'host'))).toBe(1);
  });
  it('falls back to node properties, then null', async () => {
    expect(await run({ get_attribute: ['SELF', 'port'] }, selfFrame('host_a', 'host'))).toBe(22);
    expect(await run({ get_attribute: ['db', 'port'] }, selfFrame('app_a', 'app'))).toBe(5432);
    expect(await run({ get_attribute: ['SELF', 'nothing'] }, selfFrame('host_a', 'host'))).toBeNull();
    // A runtime property explicitly null falls through to the node too (null here).
    expect(await run({ get_attribute: ['db', 'explicit_null'] }, selfFrame('app_a', 'app'))).toBeNull();
  });
  it('reads a node with a single instance by name from anywhere', async () => {
    expect(await run({ get_attribute: ['cache', 'size'] })).toBe(64);
  });
  it('disambiguates a multi-instance node by the context instance single relationship to it', async () => {
    expect(await run({ get_attribute: ['host', 'ip'] }, selfFrame('app_a', 'app'))).toBe('10.0.0.1');
    expect(await run({ get_attribute: ['host', 'ip'] }, selfFrame('app_b', 'app'))).toBe('10.0.0.2');
    expect(await run({ get_attribute: ['db', 'url'] }, selfFrame('app_a', 'app'))).toBe('db-one');
  });
  it('fails when the reference stays ambiguous', async () => {
    // app_b is connected to both db instances.
    await expect(run({ get_attribute: ['db', 'url'] }, selfFrame('app_b', 'app'))).rejects.toThrow(
      'Unable to evaluate get_attribute function: More than one node instance found for node "db". Cannot resolve a node instance unambiguously.',
    );
    await expect(run({ get_attribute: ['host', 'ip'] })).rejects.toThrow('More than one node instance found for node "host"');
  });
  it('resolves SOURCE and TARGET from a relationship operation context', async () => {
    const frame: Frame = { scope: 'node_template_relationship', path: 'rel.inputs', source: 'app_a', target: 'db_1' };
    expect(await run({ get_attribute: ['TARGET', 'url'] }, frame)).toBe('db-one');
    expect(await run({ get_attribute: ['SOURCE', 'path'] }, frame)).toBe('/srv');
  });
  it('fails when SELF is not in the request context', async () => {
    await expect(run({ get_attribute: ['SELF', 'ip'] })).rejects.toThrow('SELF is missing in request context');
  });
  it('evaluates functions stored in runtime properties as the resolved instance', async () => {
    expect(await run({ get_attribute: ['SELF', 'derived'] }, selfFrame('app_a', 'app'))).toBe(0);
  });
  it('fails for a node without instances', async () => {
    const ctx = memoryContext({ ...data, instances: [] });
    await expect(run({ get_attribute: ['cache', 'size'] }, undefined, ctx)).rejects.toThrow('Node cache has no instances.');
  });
});

describe('get_attributes_list and get_attributes_dict', () => {
  it('lists an attribute over all instances of a node', async () => {
    expect(await run({ get_attributes_list: ['host', 'ip'] })).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(await run({ get_attributes_list: ['SELF', 'node_instance_id'] }, selfFrame('db_2', 'db'))).toEqual(['db_1', 'db_2']);
  });
  it('maps instance ids to several attributes', async () => {
    expect(await run({ get_attributes_dict: ['host', 'ip', ['nested', 'list'], 'port'] })).toEqual({
      host_a: { ip: '10.0.0.1', 'nested.list': [{ k: 'v' }], port: 22 },
      host_b: { ip: '10.0.0.2', 'nested.list': null, port: 22 },
    });
  });
  it('rejects duplicated attribute paths', async () => {
    await expect(run({ get_attributes_dict: ['host', 'ip', ['ip']] })).rejects.toThrow('One or more duplicated or ambiguous attribute paths found: ip');
  });
});

describe('get_secret', () => {
  it('reads a secret, or JSON-decodes it and indexes into it', async () => {
    expect(await run({ get_secret: 'plain' })).toBe('s3cr3t');
    expect(await run({ get_secret: ['json', 'users', 0, 'name'] })).toBe('ann');
    expect(await run({ get_secret: ['json', 'n'] })).toBe(1);
  });
  it('fails on a missing secret, bad JSON, a missing key', async () => {
    await expect(run({ get_secret: 'nope' })).rejects.toThrow('Secret "nope" does not exist');
    await expect(run({ get_secret: ['broken', 'x'] })).rejects.toThrow('Could not parse secret "broken" as json');
    await expect(run({ get_secret: ['json', 'users', 3] })).rejects.toThrow('Could not find "3" in nested lookup on secret "json"');
  });
  it('fails where no secret store is available', async () => {
    const ctx = memoryContext({ nodes, instances });
    await expect(run({ get_secret: 'plain' }, undefined, ctx)).rejects.toThrow('secrets are not available');
  });
});

describe('get_capability, get_sys, get_label', () => {
  it('reads another deployment capability and nested parts of it', async () => {
    expect(await run({ get_capability: ['other', 'flat'] })).toBe('x');
    expect(await run({ get_capability: ['other', 'endpoint', 'hosts', 1] })).toBe('h2');
    await expect(run({ get_capability: ['other', 'missing'] })).rejects.toThrow('Requested capability `missing` is not declared in deployment `other`');
    await expect(run({ get_capability: ['other', 'endpoint', 'nope'] })).rejects.toThrow("Attribute 'nope' doesn't exist in 'endpoint' in deployment 'other'.");
  });
  it('answers system properties', async () => {
    expect(await run({ get_sys: ['tenant', 'name'] })).toBe('default_tenant');
    expect(await run({ concat: [{ get_sys: ['deployment', 'blueprint'] }, '/', { get_sys: ['deployment', 'id'] }] })).toBe('bp/dep1');
  });
  it('reads label values, all or one', async () => {
    expect(await run({ get_label: 'env' })).toEqual(['prod', 'eu']);
    expect(await run({ get_label: ['env', 1] })).toBe('eu');
    expect(await run({ get_label: ['env', '0'] })).toBe('prod');
    await expect(run({ get_label: 'team' })).rejects.toThrow('no label with the key `team`');
    await expect(run({ get_label: ['env', 4] })).rejects.toThrow('out of range');
  });
  it('evaluates hybrid functions at runtime too', async () => {
    expect(await run({ concat: [{ get_input: 'port' }, '-', { get_attribute: ['cache', 'size'] }] })).toBe('80-64');
  });
});

describe('runtime entry points', () => {
  it('renders failing functions in outputs as <ERROR: ...> and drops outputs of missing secrets', async () => {
    const outputs = {
      ok: { value: { get_attribute: ['cache', 'size'] } },
      ambiguous: { value: { concat: ['ip=', { get_attribute: ['host', 'ip'] }] } },
      secret_gone: { value: { get_secret: 'nope' } },
    };
    expect(await evaluateOutputs(outputs, context)).toEqual({
      ok: 64,
      ambiguous: 'ip=<ERROR: Unable to evaluate get_attribute function: More than one node instance found for node "host". Cannot resolve a node instance unambiguously.>',
    });
  });
  it('fails a capability read that cannot be evaluated', async () => {
    await expect(evaluateCapabilities({ c: { value: { get_attribute: ['host', 'ip'] } } }, context)).rejects.toThrow('More than one node instance');
    expect(await evaluateCapabilities({ c: { value: { get_attribute: ['cache', 'size'] } } }, context)).toEqual({ c: 64 });
  });
  it('evaluates operation inputs for SELF and for a relationship', async () => {
    expect(await evaluateFunctions({ ip: { get_attribute: ['SELF', 'ip'] } }, context, { self: 'host_b' })).toEqual({ ip: '10.0.0.2' });
    expect(await evaluateFunctions({ t: { get_attribute: ['TARGET', 'ip'] } }, context, { source: 'app_b', target: 'host_b' })).toEqual({ t: '10.0.0.2' });
  });
  it('evaluates a node properties for one of its instances', async () => {
    const props: Dict = { mine: { get_attribute: ['host', 'ip'] } };
    expect(await evaluateNodeProperties({ id: 'host', properties: props }, context, 'host_b')).toEqual({ mine: '10.0.0.2' });
  });
});
