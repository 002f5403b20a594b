import type { Dict } from '../plan';

const RESOURCES = 'file:///opt/manager/resources/cloudify';

/** Monitoring policy types and the execute_workflow trigger (parsed and stored, not evaluated here). */
export function policyTypes(): Dict {
  const basic: Dict = {
    policy_operates_on_group: { description: 'Keep state for the whole group instead of per instance.', default: false },
    is_node_started_before_workflow: { description: 'Trigger only when the node instance is started.', default: true },
    interval_between_workflows: { description: 'Minimum seconds between two triggered workflows (< 0: no limit).', default: 300 },
    service: { description: 'Services whose events are considered.', default: ['service'] },
  };
  const threshold: Dict = {
    ...basic,
    service: { description: 'The service name', default: 'service' },
    threshold: { description: 'The metric threshold value' },
    upper_bound: { description: 'true: values above the threshold trigger; false: values below do.', default: true },
    stability_time: { description: 'Seconds the threshold must stay breached before triggering.', default: 0 },
  };
  return {
    'cloudify.policies.types.host_failure': { properties: basic, source: `${RESOURCES}/policies/host_failure.clj` },
    'cloudify.policies.types.threshold': { properties: threshold, source: `${RESOURCES}/policies/threshold.clj` },
    'cloudify.policies.types.ewma_stabilized': {
      properties: { ...threshold, ewma_timeless_r: { description: 'Weight ratio between successive events.', default: 0.5 } },
      source: `${RESOURCES}/policies/ewma_stabilized.clj`,
    },
  };
}

export function policyTriggers(): Dict {
  return {
    'cloudify.policies.triggers.execute_workflow': {
      parameters: {
        workflow: { description: 'Workflow to execute' },
        workflow_parameters: { description: 'Workflow parameters', default: {} },
        force: { description: 'Run even when another execution of the workflow is running', default: false },
        allow_custom_parameters: { description: 'Accept parameters the workflow does not declare', default: false },
        socket_timeout: { description: 'REST socket timeout (ms)', default: 1000 },
        conn_timeout: { description: 'REST connection timeout (ms)', default: 1000 },
      },
      source: `${RESOURCES}/triggers/execute_workflow.clj`,
    },
  };
}
