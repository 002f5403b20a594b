/** The shape every intrinsic function implements (one file per function family). */
import type { Plan, PlanNode, PlanRelationship, Value } from '../plan';
import type { Frame, FunctionEnv, MaybePromise, Scope } from './context';
import type { FunctionCall, FunctionName } from './names';

/** Where a function call was found in a plan, for parse-time validation. */
export interface ValidationSite {
  scope: Scope;
  path: string;
  /** Node scope: the node; relationship scope: the source node. */
  node?: PlanNode;
  relationship?: PlanRelationship;
}

/** An evaluated call: its value, and the frame that value must be evaluated in further, if another. */
export interface Evaluated {
  value: Value;
  frame?: Frame;
}

/** Evaluation services the engine gives a function (nested evaluation of values it reads). */
export interface EvaluationEnv extends FunctionEnv {
  /** Evaluates a value found while following a path (a function stored in a property). */
  evaluate(value: Value, frame: Frame): Promise<Value>;
  call: FunctionCall;
}

export interface FunctionDefinition {
  name: FunctionName;
  /** Checks the raw arguments' shape (arguments may still be function calls). Throws FunctionValidationError. */
  checkArgs(args: Value): void;
  /** Static checks against the plan at parse time (unknown input, node, property; scope rules). */
  validate?(args: Value, site: ValidationSite, plan: Plan): void;
  /** Evaluates the call; `args` hold no function calls any more. */
  evaluate(args: Value, env: EvaluationEnv): MaybePromise<Evaluated>;
}
