/**
 * get_capability `[deployment_id, capability, key|index, ...]`: another deployment's capability;
 * get_group_capability and get_environment_capability: capabilities of a deployment group or of
 * the deployment's environment (answered by the context when the manager supports them).
 */
import type { Value } from '../plan';
import { isStepOrFunction } from './args';
import type { FunctionDefinition } from './definition';
import { FunctionValidationError, evaluationError, pathString } from './errors';
import { isDict } from './names';

/** Follows the nested part of a capability path (`path[2:]`), worded as Cloudify words it. */
export function nestedCapabilityValue(functionName: string, root: Value, path: Value[]): Value {
  let value = root;
  for (let i = 2; i < path.length; i++) {
    const attr = path[i];
    if (isDict(value)) {
      if (typeof attr !== 'string' || !(attr in value)) {
        throw evaluationError(functionName, `Attribute '${String(attr)}' doesn't exist in '${pathString(path.slice(1, i))}' in deployment '${String(path[0])}'.`);
      }
      value = value[attr];
    } else if (Array.isArray(value)) {
      if (typeof attr !== 'number' || !Number.isInteger(attr)) {
        throw evaluationError(functionName, `Item in index ${i} in the ${functionName} arguments list [${path.join(', ')}] is expected to be an int but got ${typeof attr}.`);
      }
      if (attr < 0 || attr >= value.length) {
        throw evaluationError(functionName, `List size of '${pathString(path.slice(1, i))}' is ${value.length}, in deployment '${String(path[0])}', but index ${attr} is retrieved.`);
      }
      value = value[attr];
    } else {
      throw evaluationError(functionName, `Object ${pathString(path.slice(2, i))}, in capability '${String(path[1])}' in deployment '${String(path[0])}', has no attribute ${String(attr)}`);
    }
  }
  return value;
}

export const getCapability: FunctionDefinition = {
  name: 'get_capability',
  checkArgs(args) {
    if (!Array.isArray(args) || args.length < 2 || !args.every(isStepOrFunction)) {
      throw new FunctionValidationError(
        'get_capability',
        `\`get_capability\` function argument should be a list of at least 2 strings, ints or functions - [deployment ID, capability ID [, key/index ...]]. Instead it is: ${JSON.stringify(args)}`,
      );
    }
  },
  async evaluate(args, env) {
    const path = args as Value[];
    const [deployment, capability] = path;
    if (!env.context.getCapability) throw evaluationError('get_capability', 'capabilities of other deployments are not available in this context');
    const root = await env.context.getCapability(String(deployment), String(capability));
    if (root === undefined) {
      throw evaluationError('get_capability', `Requested capability \`${String(capability)}\` is not declared in deployment \`${String(deployment)}\``);
    }
    return { value: nestedCapabilityValue('get_capability', root, path) };
  },
};

export const getGroupCapability: FunctionDefinition = {
  name: 'get_group_capability',
  checkArgs(args) {
    const ok = Array.isArray(args) && args.length >= 2 && args.every((a, i) => (i === 1 && Array.isArray(a)) || isStepOrFunction(a));
    if (!ok) {
      throw new FunctionValidationError('get_group_capability', `argument should be a list of at least 2 items - [group ID, capability ID [, key/index ...]]. Instead it is: ${JSON.stringify(args)}`);
    }
  },
  async evaluate(args, env) {
    if (!env.context.getGroupCapability) throw evaluationError('get_group_capability', 'deployment group capabilities are not supported by this manager');
    const value = await env.context.getGroupCapability(args as Value[]);
    if (value === undefined) throw evaluationError('get_group_capability', `capability ${JSON.stringify(args)} not found`);
    return { value };
  },
};

export const getEnvironmentCapability: FunctionDefinition = {
  name: 'get_environment_capability',
  checkArgs(args) {
    const ok = typeof args === 'string' || (Array.isArray(args) && args.length >= 2 && args.every(isStepOrFunction));
    if (!ok) {
      throw new FunctionValidationError('get_environment_capability', `argument should be a string or a list of at least 2 items. Instead it is: ${JSON.stringify(args)}`);
    }
  },
  async evaluate(args, env) {
    if (!env.context.getEnvironmentCapability) {
      throw evaluationError('get_environment_capability', 'environment capabilities are not supported by this manager');
    }
    const path = Array.isArray(args) ? args : [args];
    const value = await env.context.getEnvironmentCapability(path);
    if (value === undefined) throw evaluationError('get_environment_capability', `capability ${JSON.stringify(args)} not found in the environment`);
    return { value };
  },
};
