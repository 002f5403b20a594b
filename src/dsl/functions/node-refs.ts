/**
 * SELF, SOURCE and TARGET: which node (or node instance) a function refers to, and where each
 * may be used. SELF belongs to a node (its properties and operations); SOURCE and TARGET belong to
 * a relationship's operations.
 */
import type { Frame, FunctionEnv, Scope } from './context';
import { evaluationError } from './errors';

export const SELF = 'SELF';
export const SOURCE = 'SOURCE';
export const TARGET = 'TARGET';

export function isNodeKeyword(ref: unknown): ref is 'SELF' | 'SOURCE' | 'TARGET' {
  return ref === SELF || ref === SOURCE || ref === TARGET;
}

/** Why a keyword may not be used in a scope, or null when it may. */
export function keywordScopeError(keyword: 'SELF' | 'SOURCE' | 'TARGET', scope: Scope): string | null {
  if (keyword === SELF) return scope === 'node_template' ? null : `${SELF} can only be used in a context of node template but appears in ${scope}`;
  return scope === 'node_template_relationship' ? null : `${keyword} can only be used within a relationship but appears in ${scope}`;
}

/** The node instance id a keyword stands for at runtime (from the request context), if known. */
export function keywordInstance(keyword: 'SELF' | 'SOURCE' | 'TARGET', frame: Frame): string | undefined {
  return keyword === SELF ? frame.self : keyword === SOURCE ? frame.source : frame.target;
}

/** The node name a keyword stands for: from the frame, else from the context's node instance. */
export async function keywordNode(functionName: string, keyword: 'SELF' | 'SOURCE' | 'TARGET', env: FunctionEnv): Promise<string> {
  const { frame } = env;
  const scopeError = keywordScopeError(keyword, frame.scope);
  if (scopeError) throw evaluationError(functionName, `${scopeError} (${frame.path})`);
  const known = keyword === TARGET ? frame.targetNode : frame.node;
  if (known) return known;
  const instanceId = keywordInstance(keyword, frame);
  if (instanceId && env.context.getNodeInstance) {
    const instance = await env.context.getNodeInstance(instanceId);
    if (instance) return instance.node_id;
  }
  throw evaluationError(functionName, `${keyword} is missing in request context in ${frame.path}`);
}
