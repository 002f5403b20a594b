/**
 * Scheduled sweeper (EventBridge every scheduleMinutes in AWS, a timer locally): runs each sweep
 * task in turn and reports what each did. A failing task is logged and the others still run;
 * the invocation then fails so the failure is visible (Lambda error metric).
 *
 * Sweep tasks: `operations` (src/workflows/engine: re-send lost or long-delayed tasks, recover
 * tasks whose worker vanished, start queued and scheduled executions). Declaring silent agents
 * dead arrives with the agent issue.
 */
import type { Context, ScheduledEvent } from 'aws-lambda';
import type { Engine } from '../src/workflows/engine';
import { createEngine } from './support/engine-container';
import { lazyHandler } from './support/lazy';
import type { LambdaHandler } from './support/lazy';
import { createObservability, withObservability } from './support/observability';
import type { HandlerSettings } from './support/settings';

/** One sweep: returns how many items it acted on. */
export type SweepTask = (now: Date) => Promise<number>;

export interface SweepReport {
  /** Items each task acted on; a failed task is absent and listed in `failed`. */
  results: Record<string, number>;
  failed: string[];
}

export type SweeperHandler = LambdaHandler<ScheduledEvent | Record<string, never>, SweepReport>;

export function sweepTasks(settings: HandlerSettings, engine?: Engine): Record<string, SweepTask> {
  let built = engine;
  return {
    operations: (now) => (built ??= createEngine(settings)).sweep(now.getTime()),
  };
}

export function createSweeperHandler(settings: HandlerSettings, tasks = sweepTasks(settings)): SweeperHandler {
  const observability = createObservability('sweeper', settings);
  const { logger } = observability;
  return withObservability(observability, async (event: ScheduledEvent | Record<string, never>, _context: Context) => {
    const now = 'time' in event && typeof event.time === 'string' ? new Date(event.time) : new Date();
    const report: SweepReport = { results: {}, failed: [] };
    for (const [name, task] of Object.entries(tasks)) {
      try {
        report.results[name] = await task(now);
      } catch (err) {
        report.failed.push(name);
        logger.error('Sweep task failed', { task: name, error: err instanceof Error ? err : String(err) });
      }
    }
    if (report.failed.length > 0) throw new Error(`Sweep tasks failed: ${report.failed.join(', ')}`);
    return report;
  });
}

export const handler: SweeperHandler = lazyHandler((settings) => createSweeperHandler(settings));
