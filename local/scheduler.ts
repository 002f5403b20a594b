/**
 * The local stand-in for an EventBridge schedule: invokes a function every `everyMs` with a
 * Scheduled Event. A run never overlaps the previous one (a slow run delays the next tick).
 */
import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import { invoke } from './lambda-invoker';
import type { LocalFunction } from './lambda-invoker';
import { LOCAL_ACCOUNT_ID } from './http-event';

export function scheduledEvent(ruleName: string, region: string, now: Date): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT_ID,
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [`arn:aws:events:${region}:${LOCAL_ACCOUNT_ID}:rule/${ruleName}`],
    detail: {},
  };
}

export class Schedule {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;

  constructor(
    private readonly fn: LocalFunction<ScheduledEvent, unknown>,
    private readonly everyMs: number,
    private readonly onError: (err: unknown) => void = () => {},
  ) {
    if (!(everyMs > 0)) throw new Error(`Schedule interval must be positive, got ${everyMs}`);
  }

  start(): void {
    this.stopped = false;
    this.arm();
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce().finally(() => this.arm());
    }, this.everyMs);
  }

  async runOnce(): Promise<void> {
    try {
      await invoke(this.fn, scheduledEvent(this.fn.name, this.fn.region, new Date()));
    } catch (err) {
      this.onError(err);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
