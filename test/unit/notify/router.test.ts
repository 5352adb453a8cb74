import { ConfigError, ServerError, BadRequestError } from '../../../lambdas/core/errors.js';
import { createNotificationRouter } from '../../../lambdas/notify/router.js';
import { parseNotificationSettings } from '../../../lambdas/notify/settings.js';
import type { Notifier, PipelineResult, SentNotification } from '../../../lambdas/notify/results.js';
import { failureReport, typicalScanReport } from '../../fixtures/reports/factories.js';

/** Records calls; fails with `error` when given. */
function fakeNotifier(channel: SentNotification['channel'], error?: Error): Notifier & { calls: Array<{ result: PipelineResult; key: string }> } {
  const calls: Array<{ result: PipelineResult; key: string }> = [];
  return {
    channel,
    calls,
    async notify(result, options) {
      calls.push({ result, key: options.idempotencyKey });
      if (error) throw error;
      return { channel, payload: { kind: result.kind } };
    },
  };
}

const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:zsa';

describe('createNotificationRouter', () => {
  describe('creation', () => {
    it('refuses an enabled channel without a notifier', () => {
      const settings = parseNotificationSettings(JSON.stringify({ sns: { topicArn: TOPIC } }));

      expect(() => createNotificationRouter(settings, { notifiers: { log: fakeNotifier('log') } })).toThrow(ConfigError);
      expect(() => createNotificationRouter(settings, { notifiers: { log: fakeNotifier('log') } })).toThrow(/"sns" is enabled/);
    });
  });

  describe('deliver', () => {
    it('sends to the routed channels with a key per execution and kind', async () => {
      const settings = parseNotificationSettings(JSON.stringify({ slack: { kinds: ['diagnostics'] }, sns: { topicArn: TOPIC } }));
      const notifiers = { slack: fakeNotifier('slack'), sns: fakeNotifier('sns'), log: fakeNotifier('log') };
      const router = createNotificationRouter(settings, { notifiers });

      const sent = await router.deliver(typicalScanReport(), { idempotencyKey: 'exec-1' });

      expect(sent).toEqual([
        { channel: 'sns', payload: { kind: 'scan' } },
        { channel: 'log', payload: { kind: 'scan' } },
      ]);
      expect(notifiers.slack.calls).toEqual([]);
      expect(notifiers.sns.calls.map((c) => c.key)).toEqual(['exec-1#scan']);
    });

    it('still delivers to the other channels when one fails, then throws the retryable error', async () => {
      const settings = parseNotificationSettings(JSON.stringify({ slack: {}, sns: { topicArn: TOPIC } }));
      const slack = fakeNotifier('slack', new BadRequestError('bad blocks', { status: 400, endpoint: 'POST slack-webhook' }));
      const sns = fakeNotifier('sns', new ServerError('sns down', { status: 500, endpoint: 'SNS Publish' }));
      const log = fakeNotifier('log');
      const router = createNotificationRouter(settings, { notifiers: { slack, sns, log } });

      const delivery = router.deliver(failureReport(), { idempotencyKey: 'exec-2' });

      await expect(delivery).rejects.toBeInstanceOf(ServerError);
      expect([slack.calls.length, sns.calls.length, log.calls.length]).toEqual([1, 1, 1]);
      expect(log.calls[0]!.key).toBe('exec-2#failure');
    });

    it('reports the channels a result would go to', () => {
      const settings = parseNotificationSettings(JSON.stringify({ slack: { scan: { whenNewFailuresAtLeast: 10 } } }));
      const router = createNotificationRouter(settings, { notifiers: { slack: fakeNotifier('slack'), log: fakeNotifier('log') } });

      expect(router.channelsFor(typicalScanReport())).toEqual(['log']);
      expect(router.channelsFor(failureReport())).toEqual(['slack', 'log']);
    });
  });
});
