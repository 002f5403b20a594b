/**
 * The uninstall sequence of one node instance (reference section 4):
 *
 *   set stopping · validation.delete · monitoring.stop · prestop · (Compute: agent steps) · stop ·
 *   set stopped · unlink groups in reverse declaration order · set deleting · delete · postdelete ·
 *   set deleted
 *
 * Stages the instance never reached are skipped: an instance never created (uninitialized or
 * initializing) gets no stop, unlink or delete; one already stopped is not stopped again.
 */
import { type Step, event, setState } from './builder';
import { hostPreStopSteps } from './agent-steps';
import type { DeploymentIndex, GraphInstance } from './deployment';
import { LIFECYCLE } from './operations';
import { relationshipGroupSteps } from './relationships';
import { skipsDelete, skipsDeletedState, skipsStop, skipsStoppedState } from './states';
import { nodeOperation, skipEmpty, skipNop } from './steps';

export function uninstallSteps(index: DeploymentIndex, instance: GraphInstance): Step[] {
  const state = index.state(instance);
  const lifecycle = (op: string) => nodeOperation(index, instance, `${LIFECYCLE}.${op}`);

  let stopping: Step[] = [];
  let validation: Step[] = [];
  let monitoring: Step[] = [];
  let prestop: Step[] = [];
  let host: Step[] = [];
  let stop: Step[];
  if (skipsStop(state)) {
    stop = [[event('event:stop-skipped', `Stop: instance already ${state}`)]];
  } else {
    stopping = [[setState('stopping', 'Stopping node instance')]];
    validation = skipNop(
      nodeOperation(index, instance, 'cloudify.interfaces.validation.delete'),
      event('event:validating', 'Validating node instance before deletion'),
      event('event:validated', 'Node instance validated before deletion'),
    );
    monitoring = skipNop(nodeOperation(index, instance, 'cloudify.interfaces.monitoring.stop'));
    prestop = skipNop(lifecycle('prestop'), event('event:prestopping', 'Prestopping node instance'), event('event:prestopped', 'Node instance prestopped'));
    host = index.isCompute(instance) ? hostPreStopSteps(index, instance) : [];
    stop = skipNop(lifecycle('stop'), null, event('event:stopped', 'Stopped node instance'));
  }
  const stopped = skipsStoppedState(state) ? [] : [[setState('stopped')]];
  let unlink: Step[] = [];
  let postdelete: Step[] = [];
  let del: Step[];
  if (skipsDelete(state)) {
    del = [[event('event:delete-skipped', `Delete: instance already ${state}`)]];
  } else {
    unlink = skipEmpty(relationshipGroupSteps(index, instance, 'unlink', true), event('event:unlink-begin', 'Unlinking relationships'), event('event:unlink-end', 'Relationships unlinked'));
    del = skipNop(lifecycle('delete'), setState('deleting', 'Deleting node instance'));
    postdelete = skipNop(lifecycle('postdelete'), event('event:postdeleting', 'Postdeleting node instance'), event('event:postdeleted', 'Node instance postdeleted'));
  }
  const deleted = skipsDeletedState(state) ? [] : [[setState('deleted', 'Deleted node instance')]];
  return [
    ...stopping,
    ...(validation.length ? validation : [[event('event:validation-nothing', 'Validating node instance after deletion: nothing to do')]]),
    ...monitoring,
    ...prestop,
    ...host,
    ...(stop.length ? stop : [[event('event:stop-nothing', 'Stopped node instance: nothing to do')]]),
    ...stopped,
    ...unlink,
    ...(del.length ? del : [[event('event:delete-nothing', 'Deleting node instance: nothing to do')]]),
    ...postdelete,
    ...deleted,
  ];
}
