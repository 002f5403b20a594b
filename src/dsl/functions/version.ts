import type { Plan } from '../plan';
import { FunctionValidationError } from './errors';

/** Minor version of a `cloudify_dsl_1_<minor>` plan. */
export function dslMinor(plan: Plan): number {
  const match = /^cloudify_dsl_1_(\d+)$/.exec(plan.tosca_definitions_version);
  return match ? Number(match[1]) : 0;
}

export function requireVersion(functionName: string, plan: Plan, minor: number, path: string): void {
  if (dslMinor(plan) < minor) {
    throw new FunctionValidationError(
      functionName,
      `using ${functionName} requires using dsl version 1_${minor} or greater, but found: ${plan.tosca_definitions_version} in ${path}.`,
    );
  }
}
