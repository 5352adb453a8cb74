import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { ServerError } from '../../../lambdas/core/errors.js';
import { createNotifiers } from '../../../lambdas/notify/create-notifiers.js';
import { DynamoDeliveryLedger } from '../../../lambdas/notify/delivery-ledger.js';
import { createNotificationRouter } from '../../../lambdas/notify/router.js';
import { parseNotificationSettings } from '../../../lambdas/notify/settings.js';
import { silentLog } from '../../../lambdas/core/ports.js';
import { useTestTable } from '../../helpers/dynamodb.js';
import { cleanScanReport, failureReport, typicalScanReport } from '../../fixtures/reports/factories.js';
import { slackTestHttp, useFakeSlack } from './fake-slack.js';

const sns = mockClient(SNSClient);
const events = mockClient(EventBridgeClient);

describe('createNotificationRouter', () => {
  const slack = useFakeSlack();
  const table = useTestTable('router');

  beforeEach(() => {
    sns.reset();
    events.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
  });

  function router(json: object) {
    const settings = parseNotificationSettings(JSON.stringify(json));
    const notifiers = createNotifiers(settings, {
      ledger: new DynamoDeliveryLedger(table),
      log: silentLog,
      slack: { webhookUrl: async () => `${slack.url}/services/T/B/secret`, http: slackTestHttp({ maxRetries: 0 }).http },
      sns: new SNSClient({ region: 'eu-west-1' }),
      eventBridge: new EventBridgeClient({ region: 'eu-west-1' }),
    });
    return createNotificationRouter(settings, { notifiers, log: silentLog });
  }

  const settings = {
    environment: 'prod',
    slack: { scan: { whenNewFailuresAtLeast: 1 } },
    sns: { topicArn: 'arn:aws:sns:eu-west-1:111122223333:zsa' },
    eventBridge: { eventBusName: 'zsa-bus' },
    log: { enabled: false },
  };

  describe('deliver', () => {
    it('delivers a result to every routed channel once, however often the step runs', async () => {
      const routed = router(settings);

      const first = await routed.deliver(typicalScanReport(), { idempotencyKey: 'exec-1' });
      const again = await routed.deliver(typicalScanReport(), { idempotencyKey: 'exec-1' });

      expect(first.map((n) => n.channel)).toEqual(['slack', 'sns', 'eventbridge']);
      expect(again).toEqual(first);
      expect(slack.webhookPosts).toHaveLength(1);
      expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
      expect(events.commandCalls(PutEventsCommand)).toHaveLength(1);
    });

    it('skips Slack for a clean scan under its threshold but never for a failure', async () => {
      const routed = router(settings);

      const clean = await routed.deliver(cleanScanReport(), { idempotencyKey: 'exec-2' });
      const failed = await routed.deliver(failureReport(), { idempotencyKey: 'exec-2' });

      expect(clean.map((n) => n.channel)).toEqual(['sns', 'eventbridge']);
      expect(failed.map((n) => n.channel)).toEqual(['slack', 'sns', 'eventbridge']);
    });

    it('re-sends only to the channel that failed when the step is retried', async () => {
      const routed = router(settings);
      slack.script({ status: 503, body: 'unavailable' });

      await expect(routed.deliver(typicalScanReport(), { idempotencyKey: 'exec-3' })).rejects.toBeInstanceOf(ServerError);
      await routed.deliver(typicalScanReport(), { idempotencyKey: 'exec-3' });

      expect(slack.webhookPosts).toHaveLength(1);
      expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
      expect(events.commandCalls(PutEventsCommand)).toHaveLength(1);
    });
  });
});
