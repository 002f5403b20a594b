/**
 * A planned node instance as a new model-store entity: the same record whether it is written at
 * deployment creation or added later by a scale-out modification.
 */
import type { Dict } from '../dsl';
import type { PlannedNodeInstance } from '../dsl/plan';
import { KINDS } from '../model/kinds';
import type { NewEntity } from '../ports/model-store';
import type { Visibility } from '../resources/visibility';
import { instanceStoreId } from './model';
import type { NodeInstanceData } from './model';

export interface InstanceOwner {
  tenant: string;
  deploymentId: string;
  visibility: Visibility;
  createdBy: string;
}

export function newInstanceEntity(owner: InstanceOwner, instance: PlannedNodeInstance): NewEntity<NodeInstanceData> {
  return {
    kind: KINDS.nodeInstance,
    tenant: owner.tenant,
    id: instanceStoreId(instance.id),
    parent: owner.deploymentId,
    // Hidden from other users' lists when the deployment is private, like the deployment itself.
    restricted: owner.visibility === 'private',
    data: {
      id: instance.id,
      node_id: instance.node_id,
      deployment_id: owner.deploymentId,
      host_id: instance.host_id,
      index: instance.index,
      state: 'uninitialized',
      runtime_properties: {},
      system_properties: {},
      relationships: instance.relationships as unknown as Dict[],
      scaling_groups: instance.scaling_groups,
      visibility: owner.visibility,
      created_by: owner.createdBy,
    },
  };
}
