/** string_find, string_replace, string_split, string_lower, string_upper (Python str semantics). */
import type { Value } from '../plan';
import type { FunctionDefinition } from './definition';
import { FunctionValidationError, evaluationError } from './errors';
import { isDict, parseFunction } from './names';

type ArgType = 'str' | 'int';

function isType(value: Value, type: ArgType): boolean {
  return type === 'str' ? typeof value === 'string' : typeof value === 'number' && Number.isInteger(value);
}

/** Parse time: an argument is fine if it is a function (checked later) or already of its type. */
function checkStatic(name: string, argName: string, value: Value, type: ArgType): void {
  if (parseFunction(value) || isType(value, type)) return;
  throw new FunctionValidationError(name, `argument \`${argName}\` should be of type ${type} but is ${JSON.stringify(value)}`);
}

function checkEvaluated(name: string, argName: string, value: Value, type: ArgType): void {
  if (!isType(value, type)) throw evaluationError(name, `argument \`${argName}\` should be of type ${type} but is ${JSON.stringify(value)}`);
}

interface Signature {
  name: string;
  /** Argument names with their types, in order; the last `optional` of them may be left out. */
  params: [string, ArgType][];
  optional: number;
  run(args: Value[]): Value;
}

/** Splits a call's arguments: a list for multi-argument functions, one value for lower/upper. */
function argList(sig: Signature, args: Value): Value[] {
  if (sig.params.length === 1) return [args];
  return args as Value[];
}

function defineStringFunction(sig: Signature): FunctionDefinition {
  const max = sig.params.length;
  const min = max - sig.optional;
  return {
    name: sig.name as FunctionDefinition['name'],
    checkArgs(args) {
      if (max === 1) {
        if (typeof args === 'string' || (isDict(args) && Object.keys(args).length === 1)) return;
        throw new FunctionValidationError(sig.name, 'should be called with exactly one parameter');
      }
      if (!Array.isArray(args) || args.length < min || args.length > max) {
        const count = min === max ? `exactly ${min}` : `${min} to ${max}`;
        throw new FunctionValidationError(sig.name, `should be called with ${count} parameters`);
      }
    },
    validate(args) {
      argList(sig, args).forEach((value, i) => checkStatic(sig.name, sig.params[i][0], value, sig.params[i][1]));
    },
    evaluate(args) {
      const list = argList(sig, args);
      list.forEach((value, i) => checkEvaluated(sig.name, sig.params[i][0], value, sig.params[i][1]));
      return { value: sig.run(list) };
    },
  };
}

/** Python's str.replace, including an empty needle and a count (negative = all). */
export function pythonReplace(haystack: string, needle: string, replacement: string, count = -1): string {
  const limit = count < 0 ? Infinity : count;
  let out = '';
  let done = 0;
  if (needle === '') {
    for (let i = 0; i <= haystack.length; i++) {
      if (done < limit) {
        out += replacement;
        done++;
      }
      if (i < haystack.length) out += haystack[i];
    }
    return out;
  }
  let pos = 0;
  while (done < limit) {
    const found = haystack.indexOf(needle, pos);
    if (found < 0) break;
    out += haystack.slice(pos, found) + replacement;
    pos = found + needle.length;
    done++;
  }
  return out + haystack.slice(pos);
}

export const stringFind = defineStringFunction({
  name: 'string_find',
  params: [
    ['haystack', 'str'],
    ['needle', 'str'],
  ],
  optional: 0,
  run: ([haystack, needle]) => (haystack as string).indexOf(needle as string),
});

export const stringReplace = defineStringFunction({
  name: 'string_replace',
  params: [
    ['haystack', 'str'],
    ['needle', 'str'],
    ['replacement', 'str'],
    ['count', 'int'],
  ],
  optional: 1,
  run: ([haystack, needle, replacement, count]) =>
    pythonReplace(haystack as string, needle as string, replacement as string, count === undefined ? -1 : (count as number)),
});

export const stringSplit = defineStringFunction({
  name: 'string_split',
  params: [
    ['input', 'str'],
    ['separator', 'str'],
    ['index', 'int'],
  ],
  optional: 1,
  run: ([input, separator, index]) => {
    if (separator === '') throw evaluationError('string_split', 'empty separator');
    const parts = (input as string).split(separator as string);
    if (index === undefined) return parts;
    const i = (index as number) < 0 ? parts.length + (index as number) : (index as number);
    if (i < 0 || i >= parts.length) throw evaluationError('string_split', `index ${String(index)} is out of range for ${parts.length} parts`);
    return parts[i];
  },
});

export const stringLower = defineStringFunction({
  name: 'string_lower',
  params: [['input', 'str']],
  optional: 0,
  run: ([input]) => (input as string).toLowerCase(),
});

export const stringUpper = defineStringFunction({
  name: 'string_upper',
  params: [['input', 'str']],
  optional: 0,
  run: ([input]) => (input as string).toUpperCase(),
});
