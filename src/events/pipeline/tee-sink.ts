/** An EventSink that hands every emitted batch to several sinks (e.g. a store and the events queue). */
import type { StoredEvent } from '../model';
import type { EventSink } from '../../ports/event-store';

export class TeeEventSink implements EventSink {
  constructor(private readonly sinks: EventSink[]) {}

  async emit(events: StoredEvent[]): Promise<void> {
    await Promise.all(this.sinks.map((sink) => sink.emit(events)));
  }
}
