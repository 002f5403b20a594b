import type { Dict } from '../plan';
import type { Features } from './generations';

const WF = 'default_workflows.cloudify.plugins.workflows';

/** The node/instance/type filters most built-in workflows take. */
function filters(f: Features, which: ('type_names' | 'node_ids' | 'node_instance_ids')[] = ['type_names', 'node_ids', 'node_instance_ids']): Dict {
  const itemTypes = { type_names: 'node_type', node_ids: 'node_id', node_instance_ids: 'node_instance' } as const;
  const result: Dict = {};
  for (const name of which) {
    result[name] = f.v14 ? { type: 'list', item_type: itemTypes[name], default: [] } : f.prePostOps ? { type: 'list', default: [] } : { default: [] };
  }
  return result;
}

function active(...states: string[]): Dict {
  return { node_instances_active: states };
}

interface WorkflowSpec {
  mapping: string;
  parameters?: Dict;
  cascading?: boolean;
  rules?: Dict;
}

function workflow(f: Features, spec: WorkflowSpec): Dict {
  const wf: Dict = { mapping: `${WF}.${spec.mapping}` };
  if (spec.cascading !== undefined) wf.is_cascading = spec.cascading;
  if (f.v14 && spec.rules) wf.availability_rules = spec.rules;
  if (spec.parameters) wf.parameters = spec.parameters;
  return wf;
}

function bool(value: boolean, description?: string): Dict {
  return description ? { default: value, type: 'boolean', description } : { default: value, type: 'boolean' };
}

function scaleParameters(f: Features): Dict {
  const params: Dict = {
    scalable_entity_name: { description: 'The node or scaling group to scale (its name, not an instance id).' },
    delta: { description: 'Instances to add (positive) or remove (negative).', default: 1, type: 'integer' },
    scale_compute: {
      description: 'When a node is named and it is contained in a compute node, scale the compute node instead.',
      default: false,
    },
    include_instances: { description: 'Instance ids to prefer when scaling down.', default: null },
    exclude_instances: { description: 'Instance ids that must not be removed when scaling down.', default: null },
    ignore_failure: bool(false),
  };
  if (f.prePostOps) params.rollback_if_failed = { description: 'Roll back when the workflow fails.', default: true, ...(f.modern ? {} : { type: 'boolean' }) };
  if (f.modern) params.abort_started = bool(false, 'Remove deployment modifications started before this workflow.');
  return params;
}

function healParameters(f: Features): Dict {
  const params: Dict = {
    node_instance_id: f.v14
      ? { description: 'Which node instance has failed', type: 'node_instance', required: false }
      : f.modern
        ? { description: 'Which node instance has failed', required: false }
        : { description: 'Which node instance has failed' },
    diagnose_value: { description: 'Diagnosed reason of failure', default: 'Not provided' },
    ignore_failure: bool(true),
  };
  if (f.modern) {
    params.check_status = bool(true, 'Run check_status first and heal only the instances that fail it (and what they contain).');
    params.allow_reinstall = bool(true, 'Reinstall instances whose heal operation fails or is missing.');
    params.force_reinstall = bool(false, 'Reinstall without trying the heal operation.');
  }
  return params;
}

function agentWorkflows(f: Features): Dict {
  const rules = { ...active('all', 'partial'), node_types_required: ['cloudify.nodes.Compute'] };
  const flag = (v: boolean): Dict => (f.prePostOps && f.modern ? bool(v) : { default: v });
  return {
    install_new_agents: workflow(f, {
      mapping: 'install_new_agents',
      cascading: f.modern ? false : undefined,
      rules,
      parameters: {
        install_agent_timeout: { default: 300 },
        ...filters(f, ['node_ids', 'node_instance_ids']),
        install_methods: { default: null },
        validate: flag(true),
        install: flag(true),
        install_script: { default: '' },
        manager_ip: { description: 'The private ip of the new manager', default: '' },
        manager_certificate: { description: 'The CA certificate of the new manager', default: '' },
        stop_old_agent: f.modern ? bool(false, 'Stop the old agent after the new agent is installed') : { description: 'Stop the old agent after the new agent is installed', default: false },
      },
    }),
    validate_agents: workflow(f, {
      mapping: 'validate_agents',
      cascading: f.modern ? false : undefined,
      rules,
      parameters: { ...filters(f, ['node_ids', 'node_instance_ids']), install_methods: { default: null } },
    }),
  };
}

/** The 4.x / 5.x deployment-update workflow (dropped from 6.x types.yaml). */
function updateWorkflow(f: Features): Dict {
  const list = (): Dict => (f.prePostOps ? { default: [], type: 'list' } : { default: [] });
  const params: Dict = {
    update_id: { default: '' },
    skip_install: { default: false },
    skip_uninstall: { default: false },
    added_instance_ids: list(),
    added_target_instances_ids: list(),
    removed_instance_ids: list(),
    remove_target_instance_ids: list(),
    modified_entity_ids: list(),
    extended_instance_ids: list(),
    extend_target_instance_ids: list(),
    reduced_instance_ids: list(),
    reduce_target_instance_ids: list(),
    ignore_failure: bool(false),
    install_first: bool(false),
    node_instances_to_reinstall: list(),
  };
  if (f.prePostOps) {
    params.central_plugins_to_install = list();
    params.central_plugins_to_uninstall = list();
    params.update_plugins = bool(true);
  }
  return workflow(f, { mapping: 'update', cascading: f.prePostOps ? false : undefined, parameters: params });
}

export function workflows(f: Features): Dict {
  const cascading = f.prePostOps ? false : undefined;
  const runOrder = (v: boolean): Dict => ({ run_by_dependency_order: { default: v } });
  const result: Dict = {};
  result.install = f.prePostOps
    ? workflow(f, { mapping: 'install', cascading: false, rules: active('none', 'partial'), parameters: f.modern ? filters(f) : undefined })
    : `${WF}.install`;
  if (!f.modern) result.update = updateWorkflow(f);
  if (f.modern) {
    result.check_status = workflow(f, { mapping: 'check_status', cascading: !f.v14, rules: active('all', 'partial'), parameters: { ...runOrder(false), ...filters(f) } });
    result.check_drift = workflow(f, { mapping: 'check_drift', cascading: !f.v14, rules: active('all', 'partial'), parameters: { ...runOrder(f.v15), ...filters(f) } });
  }
  const uninstallParams: Dict = { ignore_failure: bool(false) };
  if (f.v15) uninstallParams.recursive = bool(false, 'First uninstall the service deployments that use this deployment as their environment.');
  result.uninstall = workflow(f, {
    mapping: 'uninstall',
    cascading,
    rules: active('all', 'partial'),
    parameters: f.modern ? { ...uninstallParams, ...filters(f) } : uninstallParams,
  });
  if (f.modern) {
    result.reinstall = workflow(f, { mapping: 'reinstall', cascading: false, rules: active('all', 'partial'), parameters: { ignore_failure: bool(false), ...filters(f) } });
  }
  result.start = workflow(f, { mapping: 'start', cascading, rules: active('none', 'partial'), parameters: { operation_parms: { default: {} }, ...runOrder(true), ...filters(f) } });
  result.stop = workflow(f, { mapping: 'stop', cascading, rules: active('all', 'partial'), parameters: { operation_parms: { default: {} }, ...runOrder(true), ...filters(f) } });
  result.restart = workflow(f, {
    mapping: 'restart',
    cascading,
    rules: active('all', 'partial'),
    parameters: { stop_parms: { default: {} }, start_parms: { default: {} }, ...runOrder(true), ...filters(f) },
  });
  result.execute_operation = workflow(f, {
    mapping: 'execute_operation',
    cascading: f.modern ? false : undefined,
    parameters: {
      operation: f.v15 ? { type: 'operation_name' } : {},
      operation_kwargs: { default: {} },
      allow_kwargs_override: { default: null },
      ...runOrder(false),
      ...filters(f),
    },
  });
  result.heal = workflow(f, { mapping: 'auto_heal_reinstall_node_subgraph', cascading, rules: active('all', 'partial'), parameters: healParameters(f) });
  result.scale = workflow(f, { mapping: 'scale_entity', cascading, rules: active('all', 'partial'), parameters: scaleParameters(f) });
  Object.assign(result, agentWorkflows(f));
  if (f.modern) {
    result.rollback = workflow(f, {
      mapping: 'rollback',
      rules: active('all', 'partial'),
      parameters: { ...filters(f), full_rollback: bool(false, 'Roll back to a resolved state (false) or uninstall fully (true).') },
    });
    result.pull = workflow(f, { mapping: 'pull', cascading: false, rules: active('all', 'partial'), parameters: { operation_parms: { default: {} }, ...runOrder(true), ...filters(f) } });
  }
  return result;
}
