/**
 * Runtime evaluation entry points, as Cloudify's manager uses them: an operation's inputs before
 * it runs (context SELF, or SOURCE and TARGET), outputs and capabilities on every read, a node's
 * properties read in the context of one of its instances.
 */
import type { Dict, Value } from '../plan';
import type { EvaluationContext, Frame } from './context';
import { Evaluator } from './evaluator';
import { parseFunction } from './names';
import { staticSecretName } from './get-secret';

/** Instances an operation runs against: `{self}` for node operations, `{source, target}` for relationship ones. */
export interface InstanceScope {
  self?: string;
  source?: string;
  target?: string;
  /** Names of the nodes of these instances, when known (saves a lookup). */
  node?: string;
  targetNode?: string;
}

function runtimeFrame(scope: InstanceScope, path: string): Frame {
  const relationship = scope.source !== undefined && scope.target !== undefined;
  return {
    scope: relationship ? 'node_template_relationship' : scope.self !== undefined ? 'node_template' : 'other',
    path,
    ...scope,
  };
}

/** Evaluates every function in a payload (operation inputs, a runtime property...). */
export function evaluateFunctions(payload: Value, context: EvaluationContext, scope: InstanceScope = {}, path = 'payload'): Promise<Value> {
  return new Evaluator({ mode: 'runtime', context }).evaluate(payload, runtimeFrame(scope, path));
}

/** A node's properties, evaluated for one of its instances (get_attribute picks that instance). */
export async function evaluateNodeProperties(node: { id: string; properties: Dict }, context: EvaluationContext, instanceId?: string): Promise<Dict> {
  const frame: Frame = { scope: 'node_template', path: `nodes.${node.id}.properties`, node: node.id, self: instanceId, instanceHint: instanceId };
  return (await new Evaluator({ mode: 'runtime', context }).evaluate(node.properties, frame)) as Dict;
}

/** True when an output's value is a bare get_secret of a secret that does not exist (Cloudify drops those). */
async function namesMissingSecret(value: Value, context: EvaluationContext): Promise<boolean> {
  const call = parseFunction(value);
  if (!call || call.name !== 'get_secret' || !context.getSecret) return false;
  const name = staticSecretName(call.args);
  return name !== null && (await context.getSecret(name)) === undefined;
}

/**
 * Evaluates outputs on read: `{name: value}`. A function that fails renders as "<ERROR: ...>" in
 * its place; an output that is only a get_secret of a missing secret is left out.
 */
export async function evaluateOutputs(outputs: Record<string, { value: Value }>, context: EvaluationContext): Promise<Dict> {
  const evaluator = new Evaluator({ mode: 'runtime', context });
  const result: Dict = {};
  for (const [name, output] of Object.entries(outputs)) {
    if (await namesMissingSecret(output.value, context)) continue;
    result[name] = await evaluator.evaluate(output.value, { scope: 'outputs', path: `outputs.${name}.value`, renderErrors: true });
  }
  return result;
}

/** Evaluates capabilities on read: `{name: value}`; a failing function fails the read. */
export async function evaluateCapabilities(capabilities: Record<string, { value: Value }>, context: EvaluationContext): Promise<Dict> {
  const evaluator = new Evaluator({ mode: 'runtime', context });
  const result: Dict = {};
  for (const [name, capability] of Object.entries(capabilities)) {
    if (await namesMissingSecret(capability.value, context)) continue;
    result[name] = await evaluator.evaluate(capability.value, { scope: 'capabilities', path: `capabilities.${name}.value` });
  }
  return result;
}
