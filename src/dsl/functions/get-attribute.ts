/**
 * get_attribute, get_attributes_list, get_attributes_dict: runtime values of node instances.
 * An attribute is looked up in the instance's runtime properties, then (for a single-name path)
 * the special names node_instance_id / node_instance_index, then the node's properties; else null.
 */
import type { Dict, Plan, Value } from '../plan';
import { checkPathList, isStepOrFunction } from './args';
import type { Frame, InstanceLike, NodeLike, Scope } from './context';
import type { EvaluationEnv, FunctionDefinition, ValidationSite } from './definition';
import { FunctionValidationError, evaluationError } from './errors';
import { parseFunction } from './names';
import { isNodeKeyword, keywordInstance } from './node-refs';
import { followPath } from './path';
import { instanceReader, resolveInstance } from './instance-resolution';

/** Keywords each scope forbids for the attribute functions (parse-time rule). */
function forbiddenKeywords(scope: Scope): string[] {
  if (scope === 'node_template') return ['SOURCE', 'TARGET'];
  if (scope === 'node_template_relationship') return ['SELF'];
  return ['SELF', 'SOURCE', 'TARGET'];
}

function validateNodeRef(functionName: string, ref: Value, paths: Value[], site: ValidationSite, plan: Plan): void {
  if (parseFunction(ref) || paths.some((p) => parseFunction(p))) return;
  if (isNodeKeyword(ref)) {
    if (forbiddenKeywords(site.scope).includes(ref)) {
      throw new FunctionValidationError(functionName, `${ref} cannot be used with ${functionName} function in ${site.path}`);
    }
    return;
  }
  if (!plan.nodes.some((n) => n.id === ref)) {
    throw new FunctionValidationError(functionName, `${functionName} function node reference '${String(ref)}' does not exist.`);
  }
}

async function lookup(functionName: string, root: Value | undefined, path: Value[], nodeId: string, env: EvaluationEnv, frame: Frame): Promise<Value | undefined> {
  if (root === undefined || root === null) return undefined;
  const result = await followPath(root, path, (v) => env.evaluate(v, frame));
  if (result.found) return result.value;
  if (result.failure.kind === 'not_int') {
    throw evaluationError(functionName, `Node template property '${nodeId}' path ${JSON.stringify(path)} is expected to index a list with an int but got ${JSON.stringify(path[result.failure.at])}.`);
  }
  return undefined;
}

/** The value of an attribute path for one node instance. */
async function attributeOf(functionName: string, instance: InstanceLike, node: NodeLike, path: Value[], env: EvaluationEnv): Promise<Value> {
  const frame: Frame = { ...env.frame, scope: 'node_template', node: instance.node_id, self: instance.id };
  let value = await lookup(functionName, instance.runtime_properties ?? undefined, path, instance.node_id, env, frame);
  if ((value === undefined || value === null) && path.length === 1) {
    if (path[0] === 'node_instance_id') value = instance.id;
    else if (path[0] === 'node_instance_index') value = instance.index ?? null;
  }
  if (value === undefined || value === null) value = await lookup(functionName, node.properties ?? undefined, path, node.id, env, frame);
  return value ?? null;
}

async function mustGetNode(functionName: string, env: EvaluationEnv, nodeId: string): Promise<NodeLike> {
  const node = await env.context.getNode(nodeId);
  if (!node) throw evaluationError(functionName, `Node ${nodeId} does not exist.`);
  return node;
}

/** The node a get_attributes_* call lists: a node name, or the node of a keyword's instance. */
async function listedNode(functionName: string, ref: string, env: EvaluationEnv): Promise<string> {
  if (!isNodeKeyword(ref)) return ref;
  const id = keywordInstance(ref, env.frame);
  if (!id) throw evaluationError(functionName, `${ref} is missing in request context in ${env.frame.path}`);
  const instance = await instanceReader(functionName, env.context).getNodeInstance(id);
  if (!instance) throw evaluationError(functionName, `Node instance ${id} does not exist.`);
  return instance.node_id;
}

export const getAttribute: FunctionDefinition = {
  name: 'get_attribute',
  checkArgs(args) {
    checkPathList('get_attribute', args, 2, '[node_name|function, attribute_name|function, nested_attribute|function, ...]');
  },
  validate(args, site, plan) {
    const [ref, ...path] = args as Value[];
    validateNodeRef('get_attribute', ref, path, site, plan);
  },
  async evaluate(args, env) {
    const [ref, ...path] = args as Value[];
    const instance = await resolveInstance('get_attribute', String(ref), env.frame, env.context, path);
    const node = await mustGetNode('get_attribute', env, instance.node_id);
    const value = await attributeOf('get_attribute', instance, node, path, env);
    // A function stored in the attribute is evaluated as the resolved instance's own value.
    const frame: Frame = env.frame.self && env.frame.self !== instance.id ? { ...env.frame, self: instance.id } : env.frame;
    return { value, frame };
  },
};

export const getAttributesList: FunctionDefinition = {
  name: 'get_attributes_list',
  checkArgs(args) {
    checkPathList('get_attributes_list', args, 2, '[node_name|function, attribute_name|function, nested_attribute|function, ...]');
  },
  validate(args, site, plan) {
    const [ref, ...path] = args as Value[];
    validateNodeRef('get_attributes_list', ref, path, site, plan);
  },
  async evaluate(args, env) {
    const [ref, ...path] = args as Value[];
    const nodeId = await listedNode('get_attributes_list', String(ref), env);
    const node = await mustGetNode('get_attributes_list', env, nodeId);
    const instances = await instanceReader('get_attributes_list', env.context).getNodeInstances(nodeId);
    const values: Value[] = [];
    for (const instance of instances) values.push(await attributeOf('get_attributes_list', instance, node, path, env));
    return { value: values };
  },
};

/** get_attributes_dict paths: each a name or a list of names; identified by their dotted form. */
function dictPaths(args: Value): { ref: Value; paths: Value[][] } {
  const [ref, ...rest] = args as Value[];
  return { ref, paths: rest.map((p) => (Array.isArray(p) ? p : [p])) };
}

function pathId(path: Value[]): string {
  return path.map(String).join('.');
}

export const getAttributesDict: FunctionDefinition = {
  name: 'get_attributes_dict',
  checkArgs(args) {
    const expected = '[node_name|function, attribute_name|function or [attribute_name, nested_attribute, ...], ...]';
    if (!Array.isArray(args) || args.length < 2 || !isStepOrFunction(args[0])) {
      throw new FunctionValidationError('get_attributes_dict', `illegal arguments: expected ${expected} but got ${JSON.stringify(args)}`);
    }
    const { paths } = dictPaths(args);
    if (!paths.every((p) => p.length >= 1 && p.every(isStepOrFunction))) {
      throw new FunctionValidationError('get_attributes_dict', `illegal arguments: expected ${expected} but got ${JSON.stringify(args)}`);
    }
    const ids = paths.map(pathId);
    const duplicated = ids.filter((id, i) => ids.indexOf(id) !== i);
    if (duplicated.length > 0) {
      throw new FunctionValidationError('get_attributes_dict', `One or more duplicated or ambiguous attribute paths found: ${[...new Set(duplicated)].join(', ')}`);
    }
  },
  validate(args, site, plan) {
    const { ref, paths } = dictPaths(args);
    validateNodeRef('get_attributes_dict', ref, paths.flat(), site, plan);
  },
  async evaluate(args, env) {
    const { ref, paths } = dictPaths(args);
    const nodeId = await listedNode('get_attributes_dict', String(ref), env);
    const node = await mustGetNode('get_attributes_dict', env, nodeId);
    const instances = await instanceReader('get_attributes_dict', env.context).getNodeInstances(nodeId);
    const result: Dict = {};
    for (const instance of instances) {
      const entry: Dict = {};
      for (const path of paths) entry[pathId(path)] = await attributeOf('get_attributes_dict', instance, node, path, env);
      result[instance.id] = entry;
    }
    return { value: result };
  },
};
