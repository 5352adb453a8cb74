import { Duration, Validations } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Props of {@link DeadLetterQueue}. */
export interface DeadLetterQueueProps {
  /**
   * Customer managed key for the queue. Every service that delivers here (Lambda destinations,
   * EventBridge targets, SNS subscriptions) then needs `kms:GenerateDataKey`/`kms:Decrypt` on it.
   * @default SQS-managed encryption (SSE-SQS): any AWS service can deliver without key-policy changes;
   * the messages are event metadata (ids, stack names, alert fields), never credentials
   */
  readonly encryptionKey?: kms.IKey;
  /** How long a failed event is kept for inspection and redrive. @default Duration.days(14) (the SQS maximum) */
  readonly retentionPeriod?: Duration;
  /** What the queue collects, for the acknowledgement texts, e.g. `failed ScanRequest invocations`. */
  readonly purpose: string;
}

/**
 * The end of an asynchronous path: a queue that keeps failed events for 14 days, TLS-only, encrypted.
 * It is a dead-letter queue itself, so it has no redrive policy of its own (acknowledged for cdk-nag).
 * `OperationsAlarms` alarms on any visible message in every such queue (found by `monitoredResources`).
 */
export class DeadLetterQueue extends Construct {
  /** The queue. */
  readonly queue: sqs.Queue;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new sqs.Queue(this, 'Queue', {
      retentionPeriod: props.retentionPeriod ?? Duration.days(14),
      enforceSSL: true,
      ...(props.encryptionKey
        ? { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: props.encryptionKey }
        : { encryption: sqs.QueueEncryption.SQS_MANAGED }),
    });
    const reason = `This queue is itself the dead-letter destination for ${props.purpose}; a further redrive target would only move the same messages again.`;
    Validations.of(this.queue).acknowledge({ id: 'AwsSolutions-SQS3', reason });
    Validations.of(this.queue).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason });
  }
}
