/**
 * Resolution of `ctx` command arguments, as Cloudify's script plugin does it: each argument names an
 * attribute (dashes become underscores) until a dict or a callable is reached. At a dict, no more
 * arguments returns it, one reads a dotted path (`a.b[2]`), two write one (creating intermediate
 * dicts). At a callable, the remaining arguments are its positional arguments and a trailing dict
 * argument holds keyword arguments. An argument starting with `@` is JSON (`@14`, `@{"a":1}`).
 *
 * Attribute objects are `Namespace`s; every other plain object is a data dict.
 */

export class CtxError extends Error {}

/** An object whose fields are ctx attributes (not data). */
export class Namespace {
  constructor(fields: Record<string, unknown>) {
    Object.assign(this, fields);
  }
}

/** ctx callables get their positional arguments and keyword arguments (a trailing dict argument). */
export type Callable = (args: unknown[], kwargs: Record<string, unknown>) => unknown;

function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Namespace);
}

/** `@` prefix → the JSON value; anything else stays a string. */
export function parseArg(arg: string): unknown {
  if (!arg.startsWith('@')) return arg;
  try {
    return JSON.parse(arg.slice(1));
  } catch {
    throw new CtxError(`Argument ${JSON.stringify(arg)} starts with @ but the rest is not JSON`);
  }
}

/** `a.b[2].c` → ['a', 'b', 2, 'c']. */
export function parsePath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  for (const part of path.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!match || (match[1] === '' && match[2] === '')) throw new CtxError(`Invalid property path ${JSON.stringify(path)}`);
    if (match[1] !== '') segments.push(match[1]);
    for (const index of match[2].matchAll(/\[(\d+)\]/g)) segments.push(Number(index[1]));
  }
  return segments;
}

function child(container: unknown, segment: string | number): unknown {
  if (typeof segment === 'number') return Array.isArray(container) ? container[segment] : undefined;
  return isDict(container) && Object.prototype.hasOwnProperty.call(container, segment) ? container[segment] : undefined;
}

export function readPath(dict: Record<string, unknown>, path: string): unknown {
  let current: unknown = dict;
  for (const segment of parsePath(path)) {
    current = child(current, segment);
    if (current === undefined) return null;
  }
  return current;
}

export function writePath(dict: Record<string, unknown>, path: string, value: unknown): void {
  const segments = parsePath(path);
  let current: unknown = dict;
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i];
    let next = child(current, segment);
    if (next === undefined || next === null || typeof next !== 'object') {
      if (typeof segment === 'number') throw new CtxError(`Cannot write ${path}: index ${segment} does not exist`);
      next = typeof segments[i + 1] === 'number' ? [] : {};
      (current as Record<string, unknown>)[segment] = next;
    }
    current = next;
  }
  const last = segments[segments.length - 1];
  if (typeof last === 'number') {
    if (!Array.isArray(current)) throw new CtxError(`Cannot write ${path}: not a list`);
    current[last] = value;
  } else {
    if (!isDict(current)) throw new CtxError(`Cannot write ${path}: not a dict`);
    current[last] = value;
  }
}

/** Resolves and runs one ctx command against `root`; the value to print (may be a promise). */
export async function resolveCtx(root: Namespace, args: string[]): Promise<unknown> {
  let current: unknown = root;
  let owner: unknown = undefined;
  for (let i = 0; i < args.length; i++) {
    if (typeof current === 'function') return callWith(current as Callable, owner, args.slice(i));
    if (isDict(current)) return dictOp(current, args.slice(i));
    if (!(current instanceof Namespace)) throw new CtxError(`${args.slice(0, i).join(' ')} has no attribute ${args[i]}`);
    const name = args[i].replace(/-/g, '_');
    if (!Object.prototype.hasOwnProperty.call(current, name)) throw new CtxError(`${i === 0 ? 'ctx' : args.slice(0, i).join(' ')} has no attribute ${args[i]}`);
    owner = current;
    current = (current as unknown as Record<string, unknown>)[name];
  }
  if (typeof current === 'function') return callWith(current as Callable, owner, []);
  if (current instanceof Namespace) throw new CtxError(`${args.join(' ') || 'ctx'} is not a value: name one of its attributes (${Object.keys(current).join(', ')})`);
  return current;
}

function dictOp(dict: Record<string, unknown>, rest: string[]): unknown {
  if (rest.length === 0) return dict;
  if (rest.length === 1) return readPath(dict, rest[0]);
  if (rest.length === 2) {
    writePath(dict, rest[0], parseArg(rest[1]));
    return null;
  }
  throw new CtxError(`Too many arguments for a property access: ${rest.join(' ')} (expected KEY [VALUE])`);
}

async function callWith(fn: Callable, owner: unknown, rest: string[]): Promise<unknown> {
  const values = rest.map(parseArg);
  const last = values[values.length - 1];
  if (values.length && isDict(last)) return fn.call(owner, values.slice(0, -1), last);
  return fn.call(owner, values, {});
}

/** How the ctx CLI prints a value: strings as they are, nothing for null, JSON for the rest. */
export function formatCtxValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
