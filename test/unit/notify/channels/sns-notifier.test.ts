import { PublishCommand, SNSClient, ThrottledException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { RateLimitedError } from '../../../../lambdas/core/errors.js';
import { InMemoryDeliveryLedger } from '../../../../lambdas/notify/delivery-ledger.js';
import { SNS_LIMITS, snsMessageSize } from '../../../../lambdas/notify/render/sns-render.js';
import { SnsNotifier } from '../../../../lambdas/notify/channels/sns-notifier.js';
import { hugeScanReport, typicalDiagnosticsReport, typicalScanReport } from '../../../fixtures/reports/factories.js';

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:zsa-notifications';
const sns = mockClient(SNSClient);

function notifier(topicArn = TOPIC) {
  return new SnsNotifier({ client: new SNSClient({ region: 'eu-west-1' }), topicArn, ledger: new InMemoryDeliveryLedger(), render: { environment: 'prod' } });
}

describe('SnsNotifier', () => {
  beforeEach(() => sns.reset());

  describe('notify', () => {
    it('publishes the subject, the body and the filter attributes', async () => {
      sns.on(PublishCommand).resolves({ MessageId: 'm-1' });

      const sent = await notifier().notify(typicalScanReport(), { idempotencyKey: 'exec-1#scan' });

      const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
      expect(input.TopicArn).toBe(TOPIC);
      expect(input.Subject).toBe('[zsa prod] Scan payments-prod (111122223333): 3 new failures, 84.2% compliant');
      expect(input.MessageAttributes).toMatchObject({
        kind: { DataType: 'String', StringValue: 'scan' },
        severity: { DataType: 'String', StringValue: 'critical' },
        awsAccount: { DataType: 'String', StringValue: '111122223333' },
        outcome: { DataType: 'String', StringValue: 'new-failures' },
        environment: { DataType: 'String', StringValue: 'prod' },
      });
      expect(input.MessageGroupId).toBeUndefined();
      expect(sent).toEqual({ channel: 'sns', payload: { Subject: input.Subject, Message: input.Message, MessageAttributes: input.MessageAttributes } });
    });

    it('keeps the huge report under 256 KiB including attributes', async () => {
      sns.on(PublishCommand).resolves({ MessageId: 'm-2' });

      await notifier().notify(hugeScanReport(), { idempotencyKey: 'exec-2#scan' });

      const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
      const size = snsMessageSize({ Subject: input.Subject!, Message: input.Message!, MessageAttributes: input.MessageAttributes as never });
      expect(size).toBeLessThanOrEqual(SNS_LIMITS.maxTotalBytes);
      expect(input.Subject!.length).toBeLessThanOrEqual(SNS_LIMITS.maxSubjectChars);
    });

    it('publishes once when the notify step is retried with the same key', async () => {
      sns.on(PublishCommand).resolves({ MessageId: 'm-3' });
      const once = notifier();

      await once.notify(typicalDiagnosticsReport(), { idempotencyKey: 'exec-3#diagnostics' });
      const again = await once.notify(typicalDiagnosticsReport(), { idempotencyKey: 'exec-3#diagnostics' });

      expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
      expect(again.channel).toBe('sns');
    });

    it('adds a group and a deduplication id on FIFO topics', async () => {
      sns.on(PublishCommand).resolves({ MessageId: 'm-4' });

      await notifier(`${TOPIC}.fifo`).notify(typicalScanReport(), { idempotencyKey: 'exec-4#scan' });

      const input = sns.commandCalls(PublishCommand)[0]!.args[0].input;
      expect(input.MessageGroupId).toBe('scan');
      expect(input.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
    });

    it('turns throttling into a retryable error and lets the retry publish', async () => {
      sns
        .on(PublishCommand)
        .rejectsOnce(new ThrottledException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } }))
        .resolves({ MessageId: 'm-5' });
      const retried = notifier();

      const first = retried.notify(typicalScanReport(), { idempotencyKey: 'exec-5#scan' });
      await expect(first).rejects.toBeInstanceOf(RateLimitedError);
      await retried.notify(typicalScanReport(), { idempotencyKey: 'exec-5#scan' });

      expect(sns.commandCalls(PublishCommand)).toHaveLength(2);
    });
  });
});
