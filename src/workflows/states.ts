/**
 * Node instance states and which lifecycle stages a state lets a workflow skip.
 *
 * Install skips the stages an instance already went through (resume, reinstall after a partial
 * run), as Cloudify's install does. Uninstall skips the stages an instance never reached: an
 * instance never created gets no stop, unlink or delete (reference section 7, last bullet).
 * Stratus counts `initializing` as never created too (at most validation and precreate ran), where
 * Cloudify only counts `uninitialized`.
 */
export const NODE_INSTANCE_STATES = [
  'uninitialized',
  'initializing',
  'creating',
  'created',
  'configuring',
  'configured',
  'starting',
  'started',
  'stopping',
  'stopped',
  'deleting',
  'deleted',
] as const;

export type NodeInstanceState = (typeof NODE_INSTANCE_STATES)[number];

/** A missing state (a freshly planned instance) is `uninitialized`. */
export function stateOf(state: string | null | undefined): string {
  return state ?? 'uninitialized';
}

const oneOf = (states: string[]) => (state: string) => states.includes(state);

/** Install: validation.create and precreate already ran. */
export const pastPrecreate = oneOf(['started', 'starting', 'created', 'creating', 'configured', 'configuring']);
/** Install: create already ran. */
export const pastCreate = oneOf(['started', 'starting', 'created', 'configuring', 'configured']);
/** Install: preconfigure and configure already ran. */
export const pastConfigure = oneOf(['started', 'starting', 'configured']);
/** Install: everything up to establish already ran. */
export const pastStart = oneOf(['started']);

const NEVER_CREATED = ['uninitialized', 'initializing'];

/** Uninstall: the stop stage (stopping ... stop) is skipped. */
export const skipsStop = oneOf(['stopped', 'deleting', 'deleted', ...NEVER_CREATED]);
/** Uninstall: `stopped` is not written again. */
export const skipsStoppedState = oneOf(['stopped', 'deleting', 'deleted']);
/** Uninstall: unlink, delete and postdelete are skipped. */
export const skipsDelete = oneOf(['deleted', ...NEVER_CREATED]);
/** Uninstall: `deleted` is not written again. */
export const skipsDeletedState = oneOf(['deleted']);
