/**
 * Following an execution (`executions start`, `executions get --follow`): polls the execution for
 * its status and operation counts and `GET /events` for what happened (by offset, sorted by
 * reported_timestamp, as `cfy` does), printing each event as it arrives. When the WebSocket API
 * answers, the CLI also subscribes to the execution's events and prints them as they are pushed;
 * polling stays on underneath (events are printed once, by `_storage_id`), so nothing is missed
 * when pushes are dropped or the socket closes. On a terminal a live bar
 * of finished/total operations stays on the last line (events are printed above it); elsewhere the
 * status changes are printed as plain lines. Returns the final execution.
 */
import type { StratusClient } from './client/client';
import { ApiError } from './client/errors';
import { subscribeExecution, wsUrlOf } from './client/live';
import { END_STATES, sleep } from './client/wait';
import type { Execution } from './client/wait';
import { localTime, paint, statusColour, useColour } from './output';
import type { Colour } from './output';

export type Event = Record<string, unknown>;

const LEVEL_COLOURS: Record<string, Colour> = { error: 'red', warning: 'yellow', warn: 'yellow', debug: 'grey' };

/** One event as a line: local time, type or level, [instance.operation], message. */
export function formatEvent(event: Event, colour = useColour()): string {
  const time = localTime(event.reported_timestamp ?? event.timestamp);
  const kind = String(event.type === 'cloudify_log' ? (event.level ?? 'info') : (event.event_type ?? event.type ?? ''));
  const where = [event.node_instance_id, event.operation].filter((part) => typeof part === 'string' && part !== '').join('.');
  const message = typeof event.message === 'string' ? event.message : JSON.stringify((event.message as { text?: string } | undefined)?.text ?? event.message ?? '');
  const causes = Array.isArray(event.error_causes) ? (event.error_causes as { message?: string; type?: string }[]).map((c) => `\n    ${c.type ?? 'Error'}: ${c.message ?? ''}`).join('') : '';
  let label = kind.padEnd(19);
  if (colour) {
    const c: Colour = /failed|error/.test(kind) ? 'red' : (LEVEL_COLOURS[kind] ?? (/succeeded/.test(kind) ? 'green' : 'cyan'));
    label = paint(label, c);
  }
  return `${time}  ${label} ${where ? `[${where}] ` : ''}${message}${causes}`;
}

/** The bar line: `[#########-----------]  9/20 operations  45%  started`. */
export function progressLine(execution: Execution, width = 30): string {
  const total = Number(execution.total_operations ?? 0);
  const done = Math.min(Number(execution.finished_operations ?? 0), total);
  const ratio = total > 0 ? done / total : END_STATES.has(execution.status) && execution.status === 'terminated' ? 1 : 0;
  const filled = Math.round(ratio * width);
  const percent = `${Math.floor(ratio * 100)}%`.padStart(4);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(done).padStart(String(total).length)}/${total} operations ${percent}  ${execution.status}`;
}

export interface FollowOptions {
  /** Seconds before giving up (the execution goes on). */
  timeoutSeconds: number;
  intervalMs?: number;
  /** Print events (default true). */
  events?: boolean;
  out?: NodeJS.WriteStream;
}

export class FollowTimeout extends ApiError {
  constructor(execution: Execution, seconds: number) {
    super(0, 'timeout', `Stopped following execution ${execution.id} after ${seconds} s: it is still ${execution.status} on the manager (see: stratus executions get ${execution.id})`);
  }
}

export async function followExecution(client: StratusClient, id: string, options: FollowOptions): Promise<Execution> {
  const out = options.out ?? process.stdout;
  const tty = out.isTTY === true;
  const interval = options.intervalMs ?? 1000;
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  let offset = 0;
  let eventsServed = options.events !== false;
  /** Events already printed (live ones arrive again through polling, which guarantees none is missed). */
  const printed = new Set<string>();
  const printEvent = (event: Event) => {
    const key = typeof event._storage_id === 'string' ? event._storage_id : undefined;
    if (key !== undefined) {
      if (printed.has(key)) return;
      printed.add(key);
    }
    line(formatEvent(event));
  };
  let barShown = false;
  let lastStatus = '';

  const clearBar = () => {
    if (barShown) out.write('\r\x1b[2K');
    barShown = false;
  };
  const showBar = (execution: Execution) => {
    if (!tty) return;
    clearBar();
    out.write(paint(progressLine(execution), statusColour(execution.status) ?? 'bold', out));
    barShown = true;
  };
  const line = (text: string) => {
    clearBar();
    out.write(`${text}\n`);
  };

  /** Prints every event not printed yet; false when the manager does not serve events. */
  const drainEvents = async (): Promise<void> => {
    while (eventsServed) {
      let page;
      try {
        page = await client.page<Event>('/events', { execution_id: id, type: ['cloudify_event', 'cloudify_log'], _sort: 'reported_timestamp' }, offset, 100);
      } catch (err) {
        // A manager without the events API (404 for the path) is followed by status only.
        if (err instanceof ApiError && (err.status === 404 || err.status === 405)) {
          eventsServed = false;
          return;
        }
        throw err;
      }
      for (const event of page.items) printEvent(event);
      offset += page.items.length;
      if (page.items.length < 100) return;
    }
  };

  // Subscribe first, then read the history (docs/events.md): live events show at once.
  let pushedFirst = 0;
  const onPushed = (events: Event[]) => {
    for (const event of events) {
      const before = printed.size;
      printEvent(event);
      if (printed.size > before) pushedFirst += 1;
    }
  };
  const subscription = eventsServed ? await subscribeExecution(client.credentials, wsUrlOf(client.credentials), id, onPushed) : undefined;
  if (subscription && process.env.STRATUS_DEBUG) process.stderr.write(`Following events live over ${subscription.url}\n`);
  try {
    return await pollUntilEnd();
  } finally {
    subscription?.close();
    if (subscription && process.env.STRATUS_DEBUG) process.stderr.write(`${pushedFirst} events arrived live before polling found them\n`);
  }

  async function pollUntilEnd(): Promise<Execution> {
    for (;;) {
      const execution = await client.get<Execution>(`/executions/${encodeURIComponent(id)}`);
      await drainEvents();
      if (execution.status !== lastStatus && !tty) line(`Execution ${execution.id} ${execution.status} (${Number(execution.finished_operations ?? 0)}/${Number(execution.total_operations ?? 0)} operations)`);
      lastStatus = execution.status;
      showBar(execution);
      if (END_STATES.has(execution.status)) {
        // Events reported just before the end may still be on their way to the store.
        await sleep(Math.min(interval, 500));
        await drainEvents();
        showBar(execution);
        if (tty) out.write('\n');
        return execution;
      }
      if (Date.now() >= deadline) {
        clearBar();
        throw new FollowTimeout(execution, options.timeoutSeconds);
      }
      await sleep(interval);
    }
  }
}

/** The closing line of a followed execution. */
export function finalLine(execution: Execution): string {
  const target = execution.deployment_id ? `deployment '${String(execution.deployment_id)}'` : `blueprint '${String(execution.blueprint_id ?? '')}'`;
  const what = `workflow '${execution.workflow_id}' on ${target}`;
  if (execution.status === 'terminated') return paint(`Finished executing ${what}: completed`, 'green');
  if (execution.status === 'cancelled') return paint(`Execution of ${what} was cancelled`, 'yellow');
  return paint(`Execution of ${what} failed${execution.error ? `: ${String(execution.error).split('\n')[0]}` : ''}`, 'red');
}
