/**
 * Publishes results to an SNS topic (email, chat integrations, queues), once per idempotency
 * key. FIFO topics also get a deduplication id, so SNS itself drops a repeat within its window.
 */
import { createHash } from 'node:crypto';
import type { SNSClient } from '@aws-sdk/client-sns';
import { silentLog, type Log } from '../../core/ports.js';
import type { Notifier, PipelineResult, SentNotification } from '../results.js';
import { classifyAwsError } from './aws-errors.js';
import { deliverOnce, type DeliveryLedger } from '../delivery-ledger.js';
import { renderSns, type SnsRenderOptions } from '../render/sns-render.js';

export interface SnsNotifierOptions {
  readonly client: SNSClient;
  readonly topicArn: string;
  readonly ledger: DeliveryLedger;
  readonly render?: SnsRenderOptions;
  readonly log?: Log;
}

export class SnsNotifier implements Notifier {
  readonly channel = 'sns' as const;
  private readonly options: SnsNotifierOptions;
  private readonly log: Log;

  constructor(options: SnsNotifierOptions) {
    this.options = options;
    this.log = options.log ?? silentLog;
  }

  /** Publishes `{ Subject, Message, MessageAttributes }` (the returned payload) unless already published. */
  async notify(result: PipelineResult, options: { idempotencyKey: string; signal?: AbortSignal }): Promise<SentNotification> {
    const payload = renderSns(result, this.options.render);
    const { topicArn, client } = this.options;
    const fifo = topicArn.endsWith('.fifo');
    const outcome = await deliverOnce(
      this.options.ledger,
      `sns#${options.idempotencyKey}`,
      async () => {
        try {
          // The command module loads with the client, which the wiring imports only when this channel is on.
          const { PublishCommand } = await import('@aws-sdk/client-sns');
          const response = await client.send(
            new PublishCommand({
              TopicArn: topicArn,
              ...payload,
              ...(fifo ? { MessageGroupId: result.kind, MessageDeduplicationId: dedupId(options.idempotencyKey) } : {}),
            }),
            { abortSignal: options.signal },
          );
          return { messageId: response.MessageId ?? null };
        } catch (error) {
          throw classifyAwsError(error, 'SNS Publish');
        }
      },
      this.log,
    );
    this.log.info('SNS notification', { idempotencyKey: options.idempotencyKey, kind: result.kind, outcome });
    return { channel: this.channel, payload };
  }
}

// SNS deduplication ids are at most 128 characters.
function dedupId(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
