/**
 * What the model store counts of an entity's children (ModelStore port, ChildCountRule), so that
 * reading a deployment also gives how many node instances it has and how many are live, without
 * reading the instances (GET /deployments/{id} needs it for the workflows' availability rules).
 * Every store adapter instance applies these rules to every write of a child, whoever writes it.
 */
import type { ChildCountRule, EntityData, EntityKind } from '../ports/model-store';
import { isLive } from '../deployments/model';
import type { NodeInstanceState } from '../deployments/model';
import { KINDS } from './kinds';

export const CHILD_COUNTS: Readonly<Record<EntityKind, ChildCountRule>> = {
  [KINDS.nodeInstance]: {
    parentKind: KINDS.deployment,
    counts: { live: (data: EntityData) => typeof data.state === 'string' && isLive(data.state as NodeInstanceState) },
  },
};
