/** get_property: `[SELF|SOURCE|TARGET|node, property, nested key|index, ...]`: a node's property. */
import type { Plan, PlanNode, Value } from '../plan';
import { checkPathList } from './args';
import type { Frame } from './context';
import type { FunctionDefinition, ValidationSite } from './definition';
import { FunctionValidationError, evaluationError } from './errors';
import { parseFunction } from './names';
import { SELF, SOURCE, TARGET, isNodeKeyword, keywordNode, keywordScopeError } from './node-refs';
import { type PathFailure, followPath, followPathStatically } from './path';

const NAME = 'get_property';

function missingMessage(node: string, path: readonly Value[], where: string, failure: PathFailure): string {
  const dotted = `${node}.properties.${path.map(String).join('.')}`;
  if (failure.kind === 'not_int') {
    return `Node template property '${dotted}' referenced from '${where}' is expected ${String(path[failure.at])} to be an int but it is a ${typeof path[failure.at]}.`;
  }
  if (failure.kind === 'out_of_range') {
    return `Node template property '${dotted}' referenced from '${where}' index is out of range. Got ${String(path[failure.at])} but list size is ${failure.size}.`;
  }
  return `Node template property '${dotted}' referenced from '${where}' doesn't exist.`;
}

function siteNode(ref: string, site: ValidationSite, plan: Plan): PlanNode | undefined {
  if (ref === SELF || ref === SOURCE) return site.node;
  const name = ref === TARGET ? site.relationship?.target_id : ref;
  return plan.nodes.find((n) => n.id === name);
}

export const getProperty: FunctionDefinition = {
  name: NAME,
  checkArgs(args) {
    checkPathList(NAME, args, 2, '[node_name|function, property_name|function, nested_property|function, ...]');
  },
  validate(args, site, plan) {
    const [ref, ...path] = args as Value[];
    if (parseFunction(ref) || path.some((p) => parseFunction(p))) return;
    const name = String(ref);
    if (isNodeKeyword(name)) {
      const scopeError = keywordScopeError(name, site.scope);
      if (scopeError) throw new FunctionValidationError(NAME, `${scopeError} (${site.path})`);
    }
    const node = siteNode(name, site, plan);
    if (!node) throw new FunctionValidationError(NAME, `node '${name}' referenced from '${site.path}' does not exist`);
    const result = followPathStatically(node.properties, path);
    if (!result.found) throw new FunctionValidationError(NAME, missingMessage(node.id, path, site.path, result.failure));
  },
  async evaluate(args, env) {
    const [ref, ...path] = args as Value[];
    const name = isNodeKeyword(ref) ? await keywordNode(NAME, ref, env) : String(ref);
    const node = await env.context.getNode(name);
    if (!node) throw evaluationError(NAME, `Node ${name} does not exist (referenced from '${env.frame.path}')`);
    // What the property holds is evaluated as part of that node: SELF inside it means that node.
    const frame: Frame = {
      scope: 'node_template',
      path: `nodes.${name}.properties.${path.map(String).join('.')}`,
      node: name,
      self: name === env.frame.node ? env.frame.self : undefined,
      renderErrors: env.frame.renderErrors,
    };
    const result = await followPath(node.properties ?? {}, path, (v) => env.evaluate(v, frame));
    if (!result.found) throw evaluationError(NAME, missingMessage(name, path, env.frame.path, result.failure));
    return { value: result.value, frame };
  },
};
