/**
 * Puts one result event on an EventBridge bus (`Source: zsa`, detail types `ScanCompleted`,
 * `ScanFailed`, `DiagnosticsFirstLook`, `DiagnosticsCompleted`, `DiagnosticsFailed`), once per idempotency key.
 * PutEvents answers 200 even when the entry was rejected, so `FailedEntryCount` is checked.
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { BadRequestError, RateLimitedError, ServerError, type ApiError } from '../../core/errors.js';
import { silentLog, type Log } from '../../core/ports.js';
import type { Notifier, PipelineResult, SentNotification } from '../results.js';
import { classifyAwsError } from './aws-errors.js';
import { deliverOnce, type DeliveryLedger } from '../delivery-ledger.js';
import { renderEvent } from '../render/event-render.js';

export interface EventBridgeNotifierOptions {
  readonly client: EventBridgeClient;
  /** Bus name or ARN. */
  readonly eventBusName: string;
  readonly ledger: DeliveryLedger;
  readonly log?: Log;
}

const ENDPOINT = 'EventBridge PutEvents';

export class EventBridgeNotifier implements Notifier {
  readonly channel = 'eventbridge' as const;
  private readonly options: EventBridgeNotifierOptions;
  private readonly log: Log;

  constructor(options: EventBridgeNotifierOptions) {
    this.options = options;
    this.log = options.log ?? silentLog;
  }

  /** Puts the entry (the returned payload) unless already put under `idempotencyKey`. */
  async notify(result: PipelineResult, options: { idempotencyKey: string; signal?: AbortSignal }): Promise<SentNotification> {
    const entry = renderEvent(result, { eventBusName: this.options.eventBusName });
    const outcome = await deliverOnce(
      this.options.ledger,
      `eventbridge#${options.idempotencyKey}`,
      async () => {
        let response;
        try {
          // The command module loads with the client, which the wiring imports only when this channel is on.
          const { PutEventsCommand } = await import('@aws-sdk/client-eventbridge');
          response = await this.options.client.send(new PutEventsCommand({ Entries: [entry] }), { abortSignal: options.signal });
        } catch (error) {
          throw classifyAwsError(error, ENDPOINT);
        }
        const failed = response.Entries?.[0];
        if ((response.FailedEntryCount ?? 0) > 0 || failed?.ErrorCode) throw entryError(failed?.ErrorCode, failed?.ErrorMessage);
        return { eventId: failed?.EventId ?? null };
      },
      this.log,
    );
    this.log.info('EventBridge notification', { idempotencyKey: options.idempotencyKey, detailType: entry.DetailType, outcome });
    return { channel: this.channel, payload: entry };
  }
}

// Entry errors carry no HTTP status; the status given here only selects the error class.
function entryError(code: string | undefined, message: string | undefined): ApiError {
  const text = `${ENDPOINT} rejected the entry: ${code ?? 'unknown error'}${message ? `: ${message}` : ''}`;
  const details = { endpoint: ENDPOINT, bodyExcerpt: code };
  if (code === 'ThrottlingException') return new RateLimitedError(text, { ...details, status: 429 });
  if (code === 'InternalException' || code === 'InternalFailure' || code === 'ServiceUnavailable') return new ServerError(text, { ...details, status: 500 });
  return new BadRequestError(text, { ...details, status: 400 });
}
