/**
 * Id rules for resources named by their users (blueprints, deployments, secrets, tenants, ...),
 * following Cloudify's: 1 to 256 characters, each a letter, a digit, `-`, `_` or `.`; `.` and `..`
 * alone are refused (they would read as path steps in URLs and file keys). User names may also
 * hold `@` (e-mail addresses). A bad id is 400 `bad_parameters_error`.
 */
import { badParameters } from './errors';

export const MAX_ID_LENGTH = 256;
const ID_PATTERN = /^[A-Za-z0-9_.-]+$/;
const USERNAME_PATTERN = /^[A-Za-z0-9_.@-]+$/;

function check(value: unknown, what: string, pattern: RegExp, allowed: string): string {
  if (typeof value !== 'string' || value.length === 0) throw badParameters(`The ${what} is missing or not a string`);
  if (value.length > MAX_ID_LENGTH) throw badParameters(`The ${what} is longer than ${MAX_ID_LENGTH} characters`);
  if (!pattern.test(value) || value === '.' || value === '..') {
    throw badParameters(`The ${what} \`${value}\` contains illegal characters. Only letters, digits and the characters ${allowed} are allowed`);
  }
  return value;
}

/** Validates a resource id (what `{id}` path segments carry); returns it. */
export function validateId(value: unknown, what = 'id'): string {
  return check(value, what, ID_PATTERN, "'-', '.' and '_'");
}

export function validateUsername(value: unknown): string {
  return check(value, 'username', USERNAME_PATTERN, "'-', '.', '_' and '@'");
}

export function isValidId(value: string): boolean {
  return value.length > 0 && value.length <= MAX_ID_LENGTH && ID_PATTERN.test(value) && value !== '.' && value !== '..';
}
