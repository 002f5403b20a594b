/** Statically named secrets (get_secret with a literal name) must exist when a deployment is created. */
import { DslError } from '../errors';
import type { Value } from '../plan';
import type { MaybePromise } from '../functions/context';
import { parseFunction } from '../functions/names';
import { staticSecretName } from '../functions/get-secret';

/** Adds to `names` every literal secret name a value's get_secret calls read. */
export function collectSecretNames(value: Value, names: Set<string>): void {
  if (typeof value !== 'object' || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) collectSecretNames(item, names);
    return;
  }
  const call = parseFunction(value);
  if (call?.name === 'get_secret') {
    const name = staticSecretName(call.args);
    if (name !== null) names.add(name);
  }
  for (const key of Object.keys(value)) collectSecretNames(value[key], names);
}

export async function checkSecretsExist(names: Iterable<string>, exists: (name: string) => MaybePromise<boolean>): Promise<void> {
  const missing: string[] = [];
  for (const name of names) if (!(await exists(name))) missing.push(name);
  if (missing.length > 0) {
    throw new DslError(`Required secrets: [${missing.join(', ')}] don't exist in this tenant`, null, undefined, 'unknown_deployment_secret_error');
  }
}
