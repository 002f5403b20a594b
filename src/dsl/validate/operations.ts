import { DslError } from '../errors';
import type { SourceLocation } from '../errors';
import type { LocationIndex } from '../load/locations';
import type { Dict, Executor, PlanOperation, Value } from '../plan';
import { containsFunction, flattenDefaults, isDict } from '../values';
import type { Schema } from '../values';
import type { ValidationContext } from './context';
import { parseSchema } from './schemas';
import { checkKeys, formatError, gate, optionalBool, optionalInt, optionalNumber, optionalString, pyType } from './shape';

/** An operation as written (type or template level), before mapping resolution. */
export interface RawOperation {
  implementation: string;
  /** Type level: the input schema; template level: plain values. */
  inputs: Dict;
  executor: string | null;
  max_retries: number | null;
  retry_interval: number | null;
  timeout: number | null;
  timeout_recoverable: boolean | null;
}

export type RawInterfaces = Record<string, Record<string, RawOperation>>;

const OPERATION_KEYS = ['implementation', 'inputs', 'executor', 'max_retries', 'retry_interval', 'timeout', 'timeout_recoverable'];
const EXECUTORS = ['central_deployment_agent', 'host_agent'];

export const SCRIPT_PLUGIN = 'script';
export const SCRIPT_RUN_TASK = 'script_runner.tasks.run';
export const SCRIPT_WORKFLOW_TASK = 'script_runner.tasks.execute_workflow';

function emptyOperation(implementation = ''): RawOperation {
  return { implementation, inputs: {}, executor: null, max_retries: null, retry_interval: null, timeout: null, timeout_recoverable: null };
}

export function isNoOp(op: RawOperation): boolean {
  return (
    op.implementation === '' &&
    Object.keys(op.inputs).length === 0 &&
    op.executor === null &&
    op.max_retries === null &&
    op.retry_interval === null &&
    op.timeout === null &&
    op.timeout_recoverable === null
  );
}

export type OperationLevel = 'type' | 'template';

/** Parses one operation in its short (string) or long (dict) form. */
export function parseOperation(raw: Value, level: OperationLevel, iface: string, name: string, ctx: ValidationContext, container: Dict): RawOperation {
  const { index, dsl } = ctx;
  const where = index.ofValue(container, name);
  if (raw === null || raw === undefined) return emptyOperation();
  if (typeof raw === 'string') return emptyOperation(raw);
  if (!isDict(raw)) throw formatError(`Operation '${iface}.${name}': expected 'str' or 'dict' type but found '${pyType(raw)}' type`, where);
  checkKeys(raw, OPERATION_KEYS, `operation '${iface}.${name}'`, index);
  const op = emptyOperation(optionalString(raw.implementation, `implementation of '${iface}.${name}'`, index.ofValue(raw, 'implementation')) ?? '');
  const executor = optionalString(raw.executor, `executor of '${iface}.${name}'`, index.ofValue(raw, 'executor'));
  if (executor !== undefined) {
    if (!EXECUTORS.includes(executor)) {
      throw new DslError(`Operation '${iface}.${name}' has an illegal executor value '${executor}'. valid values are [${EXECUTORS.join(',')}]`, 28, index.ofValue(raw, 'executor'));
    }
    op.executor = executor;
  }
  gate(raw, 'max_retries', '1_1', dsl, index);
  const retries = optionalInt(raw.max_retries, `max_retries of '${iface}.${name}'`, index.ofValue(raw, 'max_retries'));
  if (retries !== undefined) {
    if (retries < -1) throw formatError(`'max_retries' value must be either -1 to specify unlimited retries or a non negative number but got ${retries}.`, index.ofValue(raw, 'max_retries'));
    op.max_retries = retries;
  }
  gate(raw, 'retry_interval', '1_1', dsl, index);
  const interval = optionalNumber(raw.retry_interval, `retry_interval of '${iface}.${name}'`, index.ofValue(raw, 'retry_interval'));
  if (interval !== undefined) {
    if (interval < 0) throw formatError(`'retry_interval' value must be a non negative number but got ${interval}.`, index.ofValue(raw, 'retry_interval'));
    op.retry_interval = interval;
  }
  const timeout = optionalNumber(raw.timeout, `timeout of '${iface}.${name}'`, index.ofValue(raw, 'timeout'));
  if (timeout !== undefined) op.timeout = timeout;
  const recoverable = optionalBool(raw.timeout_recoverable, `timeout_recoverable of '${iface}.${name}'`, index.ofValue(raw, 'timeout_recoverable'));
  if (recoverable !== undefined) op.timeout_recoverable = recoverable;
  if (raw.inputs !== undefined && raw.inputs !== null) {
    if (!isDict(raw.inputs)) throw formatError(`inputs of '${iface}.${name}': expected 'dict' type but found '${pyType(raw.inputs)}' type`, index.ofValue(raw, 'inputs'));
    op.inputs = level === 'type' ? (parseSchema(raw.inputs, `${iface}.${name}`, 'property', ctx).schema as unknown as Dict) : raw.inputs;
  }
  return op;
}

/** Parses an `interfaces:` (or source/target_interfaces) mapping. */
export function parseInterfaces(raw: Value | undefined, level: OperationLevel, ctx: ValidationContext, owner: string, location?: SourceLocation): RawInterfaces {
  const result: RawInterfaces = {};
  if (raw === undefined || raw === null) return result;
  if (!isDict(raw)) throw formatError(`interfaces of '${owner}': expected 'dict' type but found '${pyType(raw)}' type`, location);
  for (const iface of Object.keys(raw)) {
    const ops = raw[iface];
    const ifaceOps: Record<string, RawOperation> = {};
    if (ops !== null && ops !== undefined) {
      if (!isDict(ops)) throw formatError(`interface '${iface}' of '${owner}': expected 'dict' type but found '${pyType(ops)}' type`, ctx.index.ofValue(raw, iface));
      for (const name of Object.keys(ops)) ifaceOps[name] = parseOperation(ops[name]!, level, iface, name, ctx, ops);
    }
    result[iface] = ifaceOps;
  }
  return result;
}

/** Type -> subtype: interfaces and operations are unioned; a redefined operation replaces the parent's. */
export function mergeTypeInterfaces(parent: RawInterfaces, child: RawInterfaces): RawInterfaces {
  const result: RawInterfaces = {};
  for (const iface of Object.keys(parent)) result[iface] = { ...parent[iface] };
  for (const iface of Object.keys(child)) result[iface] = { ...(result[iface] ?? {}), ...child[iface] };
  return result;
}

function missingInputs(merged: Dict, schema: Schema, locate: () => SourceLocation | undefined): void {
  const missing = Object.keys(schema).filter((k) => !Object.prototype.hasOwnProperty.call(merged, k));
  if (missing.length === 1) throw new DslError(`Input '${missing[0]}' is missing a value`, 107, locate());
  if (missing.length > 1) throw new DslError(`Inputs ${missing.map((m) => `'${m}'`).join(', ')} are missing a value`, 107, locate());
}

/** Schema defaults + given values; every schema input must end up with a value (107). */
function mergeInputs(schema: Dict, given: Dict, locate: () => SourceLocation | undefined): Dict {
  const merged = { ...flattenDefaults(schema as unknown as Schema), ...given };
  missingInputs(merged, schema as unknown as Schema, locate);
  return merged;
}

/**
 * Type -> template (and relationship type -> relationship instance): a template operation without
 * implementation inherits the type's, and then its inputs merge over the type's input schema and
 * unset settings fall back to the type's; a different implementation takes only the template's
 * inputs and settings; `{}` in the template is a no-op.
 */
function mergeTemplateOperation(typeOp: RawOperation | undefined, templateOp: RawOperation | undefined, locate: () => SourceLocation | undefined): RawOperation {
  if (typeOp === undefined) return templateOp!;
  if (templateOp === undefined) return defaultedOperation(typeOp, locate);
  if (isNoOp(templateOp)) return emptyOperation();
  if (isNoOp(typeOp)) return templateOp;
  const implementation = templateOp.implementation || typeOp.implementation;
  const sameImplementation = implementation === typeOp.implementation;
  const pick = <K extends keyof RawOperation>(key: K): RawOperation[K] => {
    if (!sameImplementation) return templateOp[key];
    return templateOp[key] !== null ? templateOp[key] : typeOp[key];
  };
  return {
    implementation,
    inputs: sameImplementation ? mergeInputs(typeOp.inputs, templateOp.inputs, locate) : templateOp.inputs,
    executor: pick('executor'),
    max_retries: pick('max_retries'),
    retry_interval: pick('retry_interval'),
    timeout: pick('timeout'),
    timeout_recoverable: pick('timeout_recoverable'),
  };
}

/**
 * A type operation a template does not mention: its inputs are the schema defaults (every schema
 * input needs one: 107). The same for every template, so computed once per type operation.
 */
const defaulted = new WeakMap<RawOperation, RawOperation>();

function defaultedOperation(typeOp: RawOperation, locate: () => SourceLocation | undefined): RawOperation {
  let result = defaulted.get(typeOp);
  if (!result) {
    result = { ...typeOp, inputs: mergeInputs(typeOp.inputs, {}, locate) };
    defaulted.set(typeOp, result);
  }
  return result;
}

/** Merged interfaces of templates that define none of their own: the same for all of a type. */
const untouched = new WeakMap<RawInterfaces, RawInterfaces>();

export function mergeTemplateInterfaces(typeIfaces: RawInterfaces, templateIfaces: RawInterfaces, locate: (iface: string, op: string) => SourceLocation | undefined): RawInterfaces {
  const plain = Object.keys(templateIfaces).length === 0;
  if (plain) {
    const known = untouched.get(typeIfaces);
    if (known) return known;
  }
  const result: RawInterfaces = {};
  for (const iface of Object.keys(typeIfaces)) {
    const typeOps = typeIfaces[iface]!;
    const templateOps = templateIfaces[iface];
    if (!templateOps) {
      result[iface] = defaultedInterface(typeOps, (op) => locate(iface, op));
      continue;
    }
    const merged: Record<string, RawOperation> = {};
    for (const op of Object.keys(typeOps)) merged[op] = mergeTemplateOperation(typeOps[op], templateOps[op], () => locate(iface, op));
    for (const op of Object.keys(templateOps)) if (!(op in merged)) merged[op] = templateOps[op]!;
    result[iface] = merged;
  }
  for (const iface of Object.keys(templateIfaces)) if (!(iface in result)) result[iface] = templateIfaces[iface]!;
  if (plain) untouched.set(typeIfaces, result);
  return result;
}

const defaultedInterfaces = new WeakMap<Record<string, RawOperation>, Record<string, RawOperation>>();

function defaultedInterface(typeOps: Record<string, RawOperation>, locate: (op: string) => SourceLocation | undefined): Record<string, RawOperation> {
  let result = defaultedInterfaces.get(typeOps);
  if (!result) {
    result = {};
    for (const op of Object.keys(typeOps)) result[op] = defaultedOperation(typeOps[op]!, () => locate(op));
    defaultedInterfaces.set(typeOps, result);
  }
  return result;
}

/** How a mapping failure is reported: the code (10 node, 19 relationship, 21 workflow) and context. */
export interface MappingContext {
  code: number;
  message: string;
  location?: SourceLocation;
}

export type MappingResolution =
  | { kind: 'noop' }
  | { kind: 'plugin'; plugin: string; operation: string }
  | { kind: 'script'; path: string }
  | { kind: 'inline'; source: string };

/** Whether a mapping is a URL the script plugin can download. */
function isScriptUrl(mapping: string): boolean {
  return /^(https?|ftp|file):\/\//i.test(mapping);
}

/**
 * Resolves an operation / workflow mapping: a declared plugin name that prefixes it (ambiguity:
 * 91), else a multi-line string (inline script), a URL or an existing file of the blueprint
 * (script), else the context's error code.
 */
export function resolveMapping(mapping: string, op: string, ctx: ValidationContext, failure: () => MappingContext, allowInline: boolean): MappingResolution {
  if (!mapping) return { kind: 'noop' };
  const trimmed = mapping.trim();
  if (allowInline && trimmed.includes('\n')) return { kind: 'inline', source: mapping };
  const candidates = pluginCandidates(trimmed, ctx);
  if (candidates.length > 1) {
    throw new DslError(`Ambiguous operation mapping. [operation=${op}, plugins=${candidates.join(', ')}]`, 91, failure().location);
  }
  if (candidates.length === 1) return { kind: 'plugin', plugin: candidates[0]!, operation: trimmed.slice(candidates[0]!.length + 1) };
  if (isScriptUrl(trimmed) || ctx.resources.has(mapping)) return { kind: 'script', path: mapping };
  const f = failure();
  throw new DslError(f.message, f.code, f.location);
}

function pluginCandidates(mapping: string, ctx: ValidationContext): string[] {
  const result: string[] = [];
  for (const name in ctx.plugins) {
    if (mapping.length > name.length && mapping.charCodeAt(name.length) === 46 && mapping.startsWith(name)) result.push(name);
  }
  return result;
}

function requireScriptPlugin(ctx: ValidationContext, what: string, name: string, mapping: string, location?: SourceLocation): void {
  if (!ctx.plugins[SCRIPT_PLUGIN]) {
    throw new DslError(`Script plugin is not defined but it is required for mapping '${mapping}' of ${what} '${name}'`, 61, location);
  }
}

/**
 * The plan form of a no-op. One frozen object shared by every no-op of a plan (most operations
 * of the base types are no-ops: sharing keeps a 1,000-node plan small). Plans are read-only.
 */
const NO_OP: PlanOperation = Object.freeze({
  operation: '',
  plugin: '',
  executor: null,
  inputs: Object.freeze({}) as Dict,
  has_intrinsic_functions: false,
  max_retries: null,
  retry_interval: null,
  timeout: null,
  timeout_recoverable: null,
});

export function noOpOperation(): PlanOperation {
  return NO_OP;
}

/** Turns a merged template-level operation into its plan form. */
export function processOperation(op: RawOperation, name: string, ctx: ValidationContext, failure: () => MappingContext): PlanOperation {
  const mapping = resolveMapping(op.implementation, name, ctx, failure, true);
  if (mapping.kind === 'noop') return noOpOperation();
  let plugin: string;
  let operation: string;
  let executor: Executor | null = op.executor as Executor | null;
  // A copy: merged operations may share input objects with their type (cached merges).
  const inputs: Dict = { ...op.inputs };
  if (mapping.kind === 'plugin') {
    plugin = mapping.plugin;
    operation = mapping.operation;
    executor ??= ctx.plugins[plugin]!.executor;
  } else {
    if (Object.prototype.hasOwnProperty.call(op.inputs, 'script_path')) {
      throw new DslError(`Cannot define 'script_path' property in '${op.implementation}' for operation '${name}'`, 60, failure().location);
    }
    requireScriptPlugin(ctx, 'operation', name, SCRIPT_RUN_TASK, failure().location);
    plugin = SCRIPT_PLUGIN;
    operation = SCRIPT_RUN_TASK;
    // Resolved at dispatch: the host's agent when the instance has a host, else central.
    executor ??= 'auto';
    if (mapping.kind === 'script') inputs.script_path = mapping.path;
    else inputs.script_source = mapping.source;
  }
  return {
    operation,
    plugin,
    executor,
    inputs,
    has_intrinsic_functions: containsFunction(inputs),
    max_retries: op.max_retries,
    retry_interval: op.retry_interval,
    timeout: op.timeout,
    timeout_recoverable: op.timeout_recoverable,
  };
}

/** Checks that every operation of a type-level interface resolves (relationship types: 19). */
export function validateTypeOperations(ifaces: RawInterfaces, ctx: ValidationContext, code: number, owner: string, locate: (iface: string, op: string) => SourceLocation | undefined): void {
  for (const iface of Object.keys(ifaces)) {
    for (const [name, op] of Object.entries(ifaces[iface]!)) {
      const failure = (): MappingContext => ({
        code,
        message: `Could not extract plugin from operation mapping '${op.implementation}', which is declared for operation '${name}'. In interface '${iface}' ${owner}`,
        location: locate(iface, name),
      });
      const mapping = resolveMapping(op.implementation, name, ctx, failure, true);
      if (mapping.kind === 'script' || mapping.kind === 'inline') {
        if (Object.prototype.hasOwnProperty.call(op.inputs, 'script_path')) {
          throw new DslError(`Cannot define 'script_path' property in '${op.implementation}' for operation '${name}'`, 60, locate(iface, name));
        }
        requireScriptPlugin(ctx, 'operation', name, SCRIPT_RUN_TASK, locate(iface, name));
      }
    }
  }
}

/**
 * The plan form of merged interfaces: `interfaces` ({iface: {op}}) and `operations`, keyed both
 * `iface.op` and `op` (the short name is dropped when two interfaces define it).
 */
export interface ProcessedInterfaces {
  interfaces: Record<string, Record<string, PlanOperation>>;
  operations: Record<string, PlanOperation>;
}

/**
 * Processed forms, cached by the merged objects they come from: interfaces a template does not
 * touch (and whole interface sets of templates that touch none) are processed once per type and
 * shared by all its templates (plans are read-only).
 */
const processedInterface = new WeakMap<Record<string, RawOperation>, Record<string, PlanOperation>>();

/** "iface.op" keys, built once per name pair (the same few dozen pairs recur in every node). */
const qualifiedNames = new Map<string, Map<string, string>>();

function qualified(iface: string, op: string): string {
  let names = qualifiedNames.get(iface);
  if (!names) {
    // Bounded: a process parsing many blueprints keeps at most 1,000 x 1,000 names.
    if (qualifiedNames.size >= 1_000) return `${iface}.${op}`;
    qualifiedNames.set(iface, (names = new Map()));
  }
  let name = names.get(op);
  if (name === undefined) {
    name = `${iface}.${op}`;
    if (names.size < 1_000) names.set(op, name);
  }
  return name;
}
const processedAll = new WeakMap<RawInterfaces, ProcessedInterfaces>();

export function processInterfaces(
  ifaces: RawInterfaces,
  ctx: ValidationContext,
  code: number,
  owner: string,
  locate: (iface: string, op: string) => SourceLocation | undefined,
): ProcessedInterfaces {
  const known = processedAll.get(ifaces);
  if (known) return known;
  const interfaces: Record<string, Record<string, PlanOperation>> = {};
  const operations: Record<string, PlanOperation> = {};
  // short name -> its operation, or null once two interfaces define it
  const shortNames: Record<string, PlanOperation | null> = {};
  for (const iface in ifaces) {
    const ops = ifaces[iface]!;
    let out = processedInterface.get(ops);
    if (!out) {
      out = {};
      for (const name in ops) {
        const op = ops[name]!;
        out[name] =
          op.implementation === ''
            ? NO_OP
            : processOperation(op, name, ctx, () => ({
                code,
                message: `Could not extract plugin from operation mapping '${op.implementation}', which is declared for operation '${name}'. In interface '${iface}' ${owner}`,
                location: locate(iface, name),
              }));
      }
      processedInterface.set(ops, out);
    }
    for (const name in out) {
      const processed = out[name]!;
      shortNames[name] = name in shortNames ? null : processed;
      operations[qualified(iface, name)] = processed;
    }
    interfaces[iface] = out;
  }
  for (const name in shortNames) {
    const op = shortNames[name];
    if (op) operations[name] = op;
  }
  const result = { interfaces, operations };
  processedAll.set(ifaces, result);
  return result;
}

/** Locator for an operation inside an interfaces mapping as written. */
export function operationLocator(index: LocationIndex, raw: Value | undefined, fallback?: SourceLocation): (iface: string, op: string) => SourceLocation | undefined {
  return (iface, op) => index.ofPath(raw, [iface, op]) ?? fallback;
}
