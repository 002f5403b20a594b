import { describe, expect, it } from '@jest/globals';
import type { DslError } from '../../../../src/dsl/errors';
import type { Dict, Plan } from '../../../../src/dsl/plan';
import { prepareDeploymentPlan, resolveDeploymentInputs } from '../../../../src/dsl/deployment';
import { connectedTo, containedIn, node, op, plan, scalingGroup, seededRandom } from '../instances/plan-builder';

async function failure(promise: Promise<unknown>): Promise<DslError> {
  try {
    await promise;
  } catch (err) {
    return err as DslError;
  }
  throw new Error('expected a failure');
}

function failSync(fn: () => unknown): DslError {
  try {
    fn();
  } catch (err) {
    return err as DslError;
  }
  throw new Error('expected a failure');
}

describe('deployment inputs', () => {
  const p = plan({
    inputs: {
      name: { type: 'string' },
      count: { type: 'integer', default: 1, constraints: [{ greater_or_equal: 1 }, { less_or_equal: 5 }] },
      enabled: { type: 'boolean', default: false },
      optional: { type: 'string', required: false },
      tier: { type: 'string', default: 'gold', constraints: [{ valid_values: ['gold', 'silver'] }] },
      conn: { type: 'connection' },
    },
    data_types: { connection: { properties: { host: { type: 'string', default: 'localhost' }, port: { type: 'integer', default: 22 } } } } as unknown as Dict,
  });

  it('fills defaults, data-type defaults, and null for optional inputs', () => {
    expect(resolveDeploymentInputs(p, { name: 'x' })).toEqual({ name: 'x', count: 1, enabled: false, optional: null, tier: 'gold', conn: { host: 'localhost', port: 22 } });
    expect(resolveDeploymentInputs(p, { name: 'x', conn: { port: 2222 } }).conn).toEqual({ host: 'localhost', port: 2222 });
  });
  it('names missing required inputs with missing_required_deployment_input_error', () => {
    const q = plan({ inputs: { a: { type: 'string' }, b: {}, c: { default: 1 } } });
    const err = failSync(() => resolveDeploymentInputs(q, {}));
    expect(err.errorCode).toBe('missing_required_deployment_input_error');
    expect(err.message).toBe("Required inputs ['a', 'b'] were not specified - expected inputs: ['a', 'b', 'c']");
  });
  it('names unknown inputs with unknown_deployment_input_error', () => {
    const err = failSync(() => resolveDeploymentInputs(p, { name: 'x', colour: 'red' }));
    expect(err.errorCode).toBe('unknown_deployment_input_error');
    expect(err.message).toContain("Unknown inputs ['colour'] specified");
  });
  it('rejects type and constraint violations with bad_parameters_error', () => {
    const type = failSync(() => resolveDeploymentInputs(p, { name: 'x', count: 'three' }));
    expect(type.errorCode).toBe('bad_parameters_error');
    expect(type.message).toContain('count');
    const constraint = failSync(() => resolveDeploymentInputs(p, { name: 'x', count: 9 }));
    expect(constraint.errorCode).toBe('bad_parameters_error');
    expect(constraint.message).toContain('count');
    expect(failSync(() => resolveDeploymentInputs(p, { name: 'x', tier: 'bronze' })).errorCode).toBe('bad_parameters_error');
    expect(failSync(() => resolveDeploymentInputs(p, { name: 'x', conn: { port: 'ssh' } })).errorCode).toBe('bad_parameters_error');
    expect(failSync(() => resolveDeploymentInputs(p, ['x'] as never)).errorCode).toBe('bad_parameters_error');
  });
  it('casts strings to the declared type on request', () => {
    expect(failSync(() => resolveDeploymentInputs(p, { name: 'x', count: '5' })).errorCode).toBe('bad_parameters_error');
    const cast = resolveDeploymentInputs(p, { name: 'x', count: '5', enabled: 'true' }, { autoCorrectTypes: true });
    expect(cast.count).toBe(5);
    expect(cast.enabled).toBe(true);
    expect(resolveDeploymentInputs(p, { name: 'x', count: '2' }, { autoCorrectTypes: true }).count).toBe(2);
  });
});

describe('prepareDeploymentPlan', () => {
  function blueprint(): Plan {
    return plan({
      tosca_definitions_version: 'cloudify_dsl_1_4',
      inputs: { hosts: { type: 'integer', default: 2 }, apps: { type: 'integer', default: 3 }, port: { default: 8080 }, secret_name: { default: 'db_pass' } },
      nodes: [
        node('vm', { compute: true, instances: { get_input: 'hosts' }, properties: { ip: '10.0.0.1' } }),
        node('app', {
          instances: { get_input: 'apps' },
          properties: { port: { get_input: 'port' }, url: { concat: ['http://', { get_property: ['vm', 'ip'] }, ':', { get_input: 'port' }] } },
          operations: {
            'cloudify.interfaces.lifecycle.start': op({ host: { get_attribute: ['vm', 'ip'] }, port: { get_input: 'port' } }),
            'cloudify.interfaces.lifecycle.stop': op({ port: { get_input: 'port' } }),
          },
          relationships: [
            containedIn('vm'),
            connectedTo('db', {
              properties: { raw: { get_input: 'port' } },
              source_operations: { 'cloudify.interfaces.relationship_lifecycle.establish': op({ target_port: { get_property: ['TARGET', 'port'] }, ip: { get_attribute: ['TARGET', 'ip'] } }) },
            }),
          ],
        }),
        node('db', { properties: { port: 5432, password: { get_secret: { get_input: 'secret_name' } } } }),
      ],
      outputs: { endpoint: { description: 'url', value: { concat: ['http://', { get_attribute: ['vm', 'ip'] }, ':', { get_input: 'port' }] } } },
      capabilities: { port: { value: { get_input: 'port' } } },
      labels: { env: { values: [{ get_input: 'port' }, 'x'] } },
      deployment_settings: { default_schedules: { s: { workflow: { concat: ['in', 'stall'] } } } } as Dict,
      workflows: { custom: { operation: 'a.b', plugin: 'p', parameters: { p: { default: { get_input: 'port' } } }, is_cascading: false, availability_rules: null } },
      groups: {
        g: {
          members: ['vm'],
          policies: { pol: { type: 'cloudify.policies.types.host_failure', properties: {}, triggers: { t: { type: 'cloudify.policies.triggers.execute_workflow', parameters: { x: { get_input: 'port' } } } } } },
        },
      },
      policies: { scale: { type: 'cloudify.policies.scaling', properties: { default_instances: { get_input: 'hosts' } }, targets: ['sg'] } },
      scaling_groups: { sg: scalingGroup(['db'], 1) },
    });
  }

  it('evaluates hybrid functions over the listed places and keeps runtime ones', async () => {
    const source = blueprint();
    const before = structuredClone(source);
    const d = await prepareDeploymentPlan(source, { port: 9090 }, { random: seededRandom(1) });
    expect(source).toEqual(before);
    const app = d.nodes.find((n) => n.id === 'app')!;
    expect(app.properties).toEqual({ port: 9090, url: 'http://10.0.0.1:9090' });
    const start = app.operations['cloudify.interfaces.lifecycle.start'];
    expect(start.inputs).toEqual({ host: { get_attribute: ['vm', 'ip'] }, port: 9090 });
    expect(start.has_intrinsic_functions).toBe(true);
    expect(app.operations['cloudify.interfaces.lifecycle.stop'].has_intrinsic_functions).toBe(false);
    const rel = app.relationships[1];
    expect(rel.source_operations['cloudify.interfaces.relationship_lifecycle.establish'].inputs).toEqual({ target_port: 5432, ip: { get_attribute: ['TARGET', 'ip'] } });
    expect(rel.source_operations['cloudify.interfaces.relationship_lifecycle.establish'].has_intrinsic_functions).toBe(true);
    // not walked: relationship properties, workflow parameters, group triggers
    expect(rel.properties.raw).toEqual({ get_input: 'port' });
    expect(d.workflows.custom.parameters.p.default).toEqual({ get_input: 'port' });
    expect(d.groups.g.policies.pol.triggers.t.parameters).toEqual({ x: { get_input: 'port' } });
    // walked: outputs, capabilities, labels, policies, deployment_settings
    expect(d.outputs.endpoint).toEqual({ description: 'url', value: { concat: ['http://', { get_attribute: ['vm', 'ip'] }, ':', 9090] } });
    expect(d.capabilities.port.value).toBe(9090);
    expect(d.labels.env.values).toEqual([9090, 'x']);
    expect(d.policies.scale.properties).toEqual({ default_instances: 2 });
    expect(d.deployment_settings).toEqual({ default_schedules: { s: { workflow: 'install' } } });
    // get_secret keeps its (now literal) name for runtime
    expect(d.nodes.find((n) => n.id === 'db')!.properties.password).toEqual({ get_secret: 'db_pass' });
    expect(d.inputs).toEqual({ hosts: 2, apps: 3, port: 9090, secret_name: 'db_pass' });
  });

  it('shares what it did not change with the blueprint plan', async () => {
    const source = blueprint();
    source.nodes[2].operations = { 'cloudify.interfaces.lifecycle.create': op({ plain: 1 }) };
    const d = await prepareDeploymentPlan(source, {});
    expect(d.nodes[2].operations['cloudify.interfaces.lifecycle.create']).toBe(source.nodes[2].operations['cloudify.interfaces.lifecycle.create']);
    expect(d.nodes[0].relationships).toBe(source.nodes[0].relationships);
    expect(d.nodes[1].properties).not.toBe(source.nodes[1].properties);
  });

  it('plans instances with counts from inputs and serves REST node counts', async () => {
    const d = await prepareDeploymentPlan(blueprint(), { hosts: 2, apps: 3 });
    const app = d.nodes.find((n) => n.id === 'app')!;
    expect(app).toMatchObject({ number_of_instances: 3, planned_number_of_instances: 3, deploy_number_of_instances: 3, min_number_of_instances: 0, max_number_of_instances: -1 });
    expect(d.node_instances.filter((i) => i.node_id === 'vm')).toHaveLength(2);
    expect(d.node_instances.filter((i) => i.node_id === 'app')).toHaveLength(6);
    expect(d.node_instances.filter((i) => i.node_id === 'db')).toHaveLength(1);
    const db = d.node_instances.find((i) => i.node_id === 'db')!;
    for (const a of d.node_instances.filter((i) => i.node_id === 'app')) expect(a.relationships[1].target_id).toBe(db.id);
  });

  it('checks that statically named secrets exist', async () => {
    const known = new Set(['other']);
    const err = await failure(prepareDeploymentPlan(blueprint(), {}, { secretExists: (name) => known.has(name) }));
    expect(err.errorCode).toBe('unknown_deployment_secret_error');
    expect(err.message).toBe("Required secrets: [db_pass] don't exist in this tenant");
    await expect(prepareDeploymentPlan(blueprint(), { secret_name: 'other' }, { secretExists: async (name) => known.has(name) })).resolves.toBeDefined();
  });

  it('does not check secrets whose name is only known at runtime', async () => {
    const p = plan({ nodes: [node('a', { properties: { s: { get_secret: { get_attribute: ['SELF', 'key'] } } } })] });
    await expect(prepareDeploymentPlan(p, {}, { secretExists: () => false })).resolves.toBeDefined();
  });

  it('rejects instance counts that are not usable numbers', async () => {
    const p = plan({ inputs: { n: { default: 'many' } }, nodes: [node('a', { instances: { get_input: 'n' } })] });
    const err = await failure(prepareDeploymentPlan(p, {}));
    expect(err.code).toBe(207);
    expect(err.errorCode).toBe('bad_parameters_error');
    const bounds = plan({ nodes: [node('a', { instances: 5, max: 3 })] });
    expect((await failure(prepareDeploymentPlan(bounds, {}))).message).toContain('default_instances 5 is not within [0, 3]');
  });

  it('with runtime-only evaluation, leaves hybrid functions but still evaluates instance counts', async () => {
    const d = await prepareDeploymentPlan(blueprint(), { apps: 1 }, { runtimeOnlyEvaluation: true });
    const app = d.nodes.find((n) => n.id === 'app')!;
    expect(app.properties.port).toEqual({ get_input: 'port' });
    expect(app.operations['cloudify.interfaces.lifecycle.stop'].has_intrinsic_functions).toBe(true);
    expect(d.node_instances.filter((i) => i.node_id === 'app')).toHaveLength(2);
  });

  it('reports function errors found while evaluating', async () => {
    const p = plan({ inputs: { cfg: { default: { a: 1 } } }, nodes: [node('a', { properties: { x: { get_input: ['cfg', 'b'] } } })] });
    const err = await failure(prepareDeploymentPlan(p, {}));
    expect(err.errorCode).toBe('function_evaluation_error');
    expect(err.message).toContain("Input attribute 'b' of 'cfg', doesn't exist.");
  });
});
