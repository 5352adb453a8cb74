/**
 * {@link EventPutter} on EventBridge PutEvents: the redrive path for dead-lettered events from a
 * custom source.
 */
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { ZscalerError } from '../../core/errors.js';
import type { EventPutter, ReplayedEvent } from './redrive.js';

/** Puts one event per call and throws when EventBridge rejects the entry (PutEvents answers 200 even then). */
export class EventBridgeEventPutter implements EventPutter {
  constructor(private readonly client: EventBridgeClient) {}

  async put(event: ReplayedEvent): Promise<void> {
    const response = await this.client.send(new PutEventsCommand({ Entries: [{ ...event, Resources: [...event.Resources] }] }));
    const entry = response.Entries?.[0];
    if ((response.FailedEntryCount ?? 0) > 0 || entry?.ErrorCode) {
      throw new ZscalerError(`PutEvents rejected the ${event.Source} event: ${entry?.ErrorCode ?? 'unknown error'}${entry?.ErrorMessage ? ` (${entry.ErrorMessage})` : ''}`);
    }
  }
}
