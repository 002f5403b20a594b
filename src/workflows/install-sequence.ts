/**
 * The install sequence of one node instance (reference section 4, install_<id>), strictly
 * sequential apart from the parallel operations inside a relationship group:
 *
 *   set initializing · validation.create · precreate · (init_script Compute: agent user data) ·
 *   set creating · create · set created ·
 *   preconfigure groups · set configuring · configure · set configured · postconfigure groups ·
 *   set starting · start · (Compute: host and agent steps) · poststart · monitoring.start ·
 *   establish groups · set started
 *
 * No-ops are dropped with their events and state changes; an absent lifecycle stage leaves a
 * "nothing to do" event. Stages the instance's state shows it already went through are skipped.
 */
import { type Step, event, setState } from './builder';
import { hostPostStartSteps, hostPreCreateSteps } from './agent-steps';
import type { DeploymentIndex, GraphInstance } from './deployment';
import { LIFECYCLE } from './operations';
import { relationshipGroupSteps } from './relationships';
import { pastConfigure, pastCreate, pastPrecreate, pastStart } from './states';
import { nodeOperation, skipEmpty, skipNop } from './steps';

/** Lifecycle operations of install a depends_on_lifecycle_operation relationship may name. */
export const INSTALL_LIFECYCLE_OPERATIONS = ['precreate', 'create', 'configure', 'start', 'poststart'];

const nothing = (stage: string, message: string) => [[event(`event:${stage}-nothing`, `${message}: nothing to do`, stage)]];

export function installSteps(index: DeploymentIndex, instance: GraphInstance): Step[] {
  const state = index.state(instance);
  const lifecycle = (op: string) => nodeOperation(index, instance, `${LIFECYCLE}.${op}`, { lifecycle: op });
  const rel = (op: 'preconfigure' | 'postconfigure' | 'establish', pre: string, post: string) =>
    skipEmpty(relationshipGroupSteps(index, instance, op), event(`event:${op}-begin`, pre), event(`event:${op}-end`, post));

  let validation: Step[] = [];
  let precreate: Step[] = [];
  if (!pastPrecreate(state)) {
    validation = skipNop(
      nodeOperation(index, instance, 'cloudify.interfaces.validation.create'),
      event('event:validating', 'Validating node instance before creation'),
      event('event:validated', 'Node instance validated before creation'),
    );
    precreate = skipNop(lifecycle('precreate'), event('event:precreating', 'Precreating node instance'), event('event:precreated', 'Node instance precreated'));
  }
  const userData = !pastCreate(state) && index.isCompute(instance) ? hostPreCreateSteps(index, instance) : [];
  const create = pastCreate(state) ? [] : skipNop(lifecycle('create'), setState('creating', 'Creating node instance'), setState('created', 'Node instance created'));
  let preconfigure: Step[] = [];
  let configure: Step[] = [];
  if (!pastConfigure(state)) {
    preconfigure = rel('preconfigure', 'Pre-configuring relationships', 'Relationships pre-configured');
    configure = skipNop(lifecycle('configure'), setState('configuring', 'Configuring node instance'), setState('configured', 'Node instance configured'));
  }
  let postconfigure: Step[] = [];
  let start: Step[] = [];
  let host: Step[] = [];
  let poststart: Step[] = [];
  let monitoring: Step[] = [];
  let establish: Step[] = [];
  if (!pastStart(state)) {
    postconfigure = rel('postconfigure', 'Post-configuring relationships', 'Relationships post-configured');
    start = skipNop(lifecycle('start'), setState('starting', 'Starting node instance'));
    host = index.isCompute(instance) ? hostPostStartSteps(index, instance) : [];
    poststart = skipNop(lifecycle('poststart'), event('event:poststarting', 'Poststarting node instance'), event('event:poststarted', 'Node instance poststarted'));
    monitoring = skipNop(nodeOperation(index, instance, 'cloudify.interfaces.monitoring.start'));
    establish = rel('establish', 'Establishing relationships', 'Relationships established');
  }
  const parts = [validation, precreate, userData, create, preconfigure, configure, postconfigure, start, host, poststart, monitoring, establish];
  if (parts.every((p) => p.length === 0)) return [[setState('started', 'Node instance started (nothing to do)')]];
  return [
    [setState('initializing')],
    ...(validation.length ? validation : nothing('validation', 'Validating node instance before creation')),
    ...(precreate.length ? precreate : nothing('precreate', 'Precreating node instance')),
    ...userData,
    ...(create.length ? create : nothing('create', 'Creating node instance')),
    ...preconfigure,
    ...(configure.length ? configure : nothing('configure', 'Configuring node instance')),
    ...postconfigure,
    ...(start.length ? start : nothing('start', 'Starting node instance')),
    ...host,
    ...(poststart.length ? poststart : nothing('poststart', 'Poststarting node instance')),
    ...monitoring,
    ...establish,
    [setState('started', 'Node instance started')],
  ];
}
