/**
 * The operation graph a workflow builds: a flat, JSON-serialisable list of tasks with explicit
 * dependency edges. This is what the durable engine persists (one item per task) and advances:
 * a task is ready when every task in `dependencies` has finished.
 *
 * Task ids are deterministic: derived from the subgraph (workflow phase + node instance id) and
 * the step, never from counters or clocks, so rebuilding the graph of the same execution from the
 * same input yields the same ids (resume, idempotent persistence).
 */
import type { Dict } from '../dsl/plan';

export type TaskKind = 'operation' | 'set_state' | 'send_event' | 'wait_for_agent' | 'marker';

/** Where an operation runs once resolved (reference section 1: `auto` → host_agent when the instance has a host). */
export type ResolvedExecutor = 'central_deployment_agent' | 'host_agent';

/** A PlanOperation resolved for one node instance: what the dispatcher needs to run it. */
export interface ResolvedOperation {
  plugin: string;
  /** `module.function` inside the plugin, e.g. `script_runner.tasks.run`. */
  operation: string;
  executor: ResolvedExecutor;
  /** The Compute instance whose agent runs it (executor host_agent), else null. */
  host_id: string | null;
  /** Operation inputs merged with the workflow's kwargs (kwargs win when overriding is allowed). */
  inputs: Dict;
  has_intrinsic_functions: boolean;
  /** null: the execution's / manager's default applies. -1: unlimited. */
  max_retries: number | null;
  retry_interval: number | null;
  timeout: number | null;
  timeout_recoverable: boolean | null;
}

/** The relationship instance a relationship operation belongs to. */
export interface RelationshipRef {
  type: string;
  source_id: string;
  source_node: string;
  target_id: string;
  target_node: string;
  /** Which side's operation this is; `source` runs in the source instance's context, `target` in the target's. */
  side: 'source' | 'target';
}

interface TaskBase {
  id: string;
  kind: TaskKind;
  /** Ids of the tasks this task waits for (all must have finished). */
  dependencies: string[];
  /**
   * The per-instance subgraph the task belongs to (`install_<instance>`, `uninstall_<instance>`,
   * `stub_<instance>`, ...) or a workflow-level name for barriers. The engine applies subgraph
   * failure semantics with it: a failed task fails its subgraph, whose dependents never run.
   */
  subgraph: string;
  /** The node instance whose subgraph this is (null for workflow-level markers). */
  instance_id: string | null;
  node_id: string | null;
  /** A failure of this task is logged and ignored (uninstall ignore_failure, unlink on intact instances). */
  ignore_failure: boolean;
}

export interface OperationTask extends TaskBase {
  kind: 'operation';
  /** Fully qualified operation name, e.g. `cloudify.interfaces.lifecycle.create`. */
  name: string;
  /**
   * The node instance in whose context (ctx.instance, agent) the operation runs: the subgraph's
   * instance for node operations, the target instance for target-side relationship operations.
   */
  context_instance_id: string;
  call: ResolvedOperation;
  relationship: RelationshipRef | null;
  /** Re-run the operation (without counting retries) until it returns a truthy result: host.get_state. */
  retry_until_true: boolean;
}

export interface SetStateTask extends TaskBase {
  kind: 'set_state';
  /** The node instance state to write. */
  state: string;
  /** The event sent together with the state change, if any. */
  message: string | null;
}

export interface SendEventTask extends TaskBase {
  kind: 'send_event';
  message: string;
}

/**
 * Stratus-specific: wait until the Stratus agent of this Compute instance has connected
 * (install_method `provided` or `init_script`). The engine retries it like a recoverable failure
 * while the agent is not connected (AgentDispatcher.isConnected) and fails it with a clear message
 * when the retries run out.
 */
export interface WaitForAgentTask extends TaskBase {
  kind: 'wait_for_agent';
  /** The Compute instance whose agent is awaited (also `instance_id`). */
  host_id: string;
  install_method: string;
}

/** Does nothing: a stub for an instance the workflow does not touch, a join point or a phase barrier. */
export interface MarkerTask extends TaskBase {
  kind: 'marker';
  label: string;
}

export type GraphTask = OperationTask | SetStateTask | SendEventTask | WaitForAgentTask | MarkerTask;

export interface WorkflowGraph {
  /** The built-in workflow that built it (`install`, `heal`, ...). */
  workflow: string;
  /** In construction order; use `topologicalOrder` for an execution order. */
  tasks: GraphTask[];
}
