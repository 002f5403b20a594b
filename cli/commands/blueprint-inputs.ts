/**
 * Deployment inputs from the command line, as `-i` options: `key=value` (the value read as a YAML
 * scalar, so `count=2` is a number and `on=true` a boolean; kept as text for inputs declared as
 * strings), a YAML/JSON file holding a dict, or an inline dict (`-i '{a: 1, b: x}'`). Later options
 * override earlier ones.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Dict, InputSchema, Value } from '../../src/dsl';

/** Input types whose values are text: a `key=value` keeps the text as typed. */
const TEXT_TYPES = new Set(['string', 'textarea', 'regex', 'blueprint_id', 'deployment_id', 'capability_value', 'scaling_group', 'node_id', 'node_type', 'node_instance', 'secret_key', 'operation_name']);

export class InputArgumentError extends Error {}

function isDict(value: unknown): value is Dict {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readDict(text: string, origin: string): Dict {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (err) {
    throw new InputArgumentError(`${origin} is not valid YAML: ${(err as Error).message}`);
  }
  if (value === null || value === undefined) return {};
  if (!isDict(value)) throw new InputArgumentError(`${origin} must hold a dict of inputs`);
  return value;
}

function scalar(raw: string, schema: InputSchema | undefined): Value {
  if (schema?.type && TEXT_TYPES.has(schema.type)) return raw;
  if (raw === '') return '';
  try {
    return parseYaml(raw) as Value;
  } catch {
    return raw;
  }
}

function isFile(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Merges the `-i` arguments into one dict, reading values as the blueprint's input types suggest. */
export function parseInputArguments(args: string[], schemas: Record<string, InputSchema>): Dict {
  const inputs: Dict = {};
  for (const arg of args) {
    if (isFile(arg)) {
      Object.assign(inputs, readDict(readFileSync(arg, 'utf8'), `Inputs file ${arg}`));
    } else if (arg.trimStart().startsWith('{')) {
      Object.assign(inputs, readDict(arg, `Inputs ${arg}`));
    } else if (arg.includes('=')) {
      const at = arg.indexOf('=');
      const key = arg.slice(0, at).trim();
      if (key === '') throw new InputArgumentError(`Input ${JSON.stringify(arg)} has no name before '='`);
      inputs[key] = scalar(arg.slice(at + 1), schemas[key]);
    } else {
      throw new InputArgumentError(`Input ${JSON.stringify(arg)} is neither key=value, an inline {dict}, nor an existing file`);
    }
  }
  return inputs;
}
