/**
 * Reusable value checking: built-in types, data types, property schemas and constraints. Used by
 * the parser (defaults, node properties) and at deployment creation (inputs, parameters).
 */
export { ValueCheckError } from './errors';
export type { ValueCheckKind } from './errors';
export { FUNCTION_NAMES, HYBRID_FUNCTIONS, RUNTIME_FUNCTIONS, containsFunction, functionName, isFunction } from './functions';
export {
  PRIMITIVE_TYPES,
  builtinTypeAllowed,
  builtinTypeMinVersion,
  compilePythonRegex,
  isBuiltinValueType,
  isDict,
  matchesBuiltinType,
} from './types';
export { flattenDefaults, mergeSchemaAndInstance, ownerMessages, parseTypedValue } from './schema';
export type { DataTypeDefinition, DataTypes, MergeOptions, PropertySchema, Schema, SchemaMessages } from './schema';
export { CONSTRAINT_NAMES, checkConstraints, constraintsOf, findConstraintViolation, parseConstraints } from './constraints';
export type { Constraint } from './constraints';
export { castToType, validateInputValue } from './inputs';
export type { InputCheckOptions } from './inputs';
