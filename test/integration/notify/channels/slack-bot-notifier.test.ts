import { AuthenticationError, ConfigError } from '../../../../lambdas/core/errors.js';
import { DynamoDeliveryLedger, type DeliveryLedger } from '../../../../lambdas/notify/delivery-ledger.js';
import { renderSlack } from '../../../../lambdas/notify/render/slack-render.js';
import { useTestTable } from '../../../helpers/dynamodb.js';
import { diagnosticsReport, failureReport, scanReport, typicalDiagnosticsReport, typicalScanReport } from '../../../fixtures/reports/factories.js';
import { rejectionOf, slackBotNotifier, useFakeSlack } from '../fake-slack.js';
import { manualClock } from '../../../helpers/clock.js';

const TOKEN = 'xoxb-XXsecretXXbot-token';

describe('SlackBotNotifier', () => {
  const slack = useFakeSlack();
  const table = useTestTable('slack-bot');
  const notifier = (ledger: DeliveryLedger = new DynamoDeliveryLedger(table)) => slackBotNotifier(slack, ledger, TOKEN);

  const paths = () => slack.requests.map((r) => r.path);

  describe('notify', () => {
    it('posts the first result of a conversation with the bot token', async () => {
      const { instance } = notifier();
      const report = scanReport({ jobId: 'job-first' });

      const sent = await instance.notify(report, { idempotencyKey: 'exec-first#scan' });

      expect(paths()).toEqual(['/api/chat.postMessage']);
      expect(slack.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(slack.requests[0]!.body).toMatchObject({ channel: 'alerts', ...renderSlack(report), unfurl_links: false });
      expect(sent).toEqual({ channel: 'slack', payload: { channel: 'C0ALERTS', ...renderSlack(report) } });
    });

    it('updates the message and replies in its thread for a later result of the same alert', async () => {
      const { instance } = notifier();
      const started = diagnosticsReport({ alert: { ...typicalDiagnosticsReport().alert, alertId: 'alert-thread' } });
      const failed = failureReport({ pipeline: 'diagnostics', reason: 'Timeout', alertId: 'alert-thread' });

      await instance.notify(started, { idempotencyKey: 'exec-a#diagnostics' });
      const second = await instance.notify(failed, { idempotencyKey: 'exec-b#failure' });

      expect(paths()).toEqual(['/api/chat.postMessage', '/api/chat.update', '/api/chat.postMessage']);
      const [parent] = [...slack.messages.values()];
      expect(slack.requests[1]!.body).toMatchObject({ channel: 'C0ALERTS', ts: parent!.ts });
      expect(parent!.updates).toBe(1);
      expect(parent!.text).toBe(renderSlack(failed).text);
      expect(slack.requests[2]!.body).toMatchObject({ channel: 'C0ALERTS', thread_ts: parent!.ts });
      expect(String(slack.requests[2]!.body.text)).toMatch(/^Update: Alert diagnostics failed \(Timeout\)/);
      expect(second.payload).toMatchObject({ ts: parent!.ts, reply: { thread_ts: parent!.ts } });
    });

    it('threads a follow-up scan under the scan before it', async () => {
      const { instance } = notifier();
      const first = scanReport({ jobId: 'job-100' });
      const followUp = scanReport({ jobId: 'job-101', isFollowUp: true, delta: { ...scanReport().delta, previousJobId: 'job-100' } });

      await instance.notify(first, { idempotencyKey: 'exec-100#scan' });
      await instance.notify(followUp, { idempotencyKey: 'exec-101#scan' });

      expect(paths()).toEqual(['/api/chat.postMessage', '/api/chat.update', '/api/chat.postMessage']);
      expect([...slack.messages.values()].filter((m) => !m.threadTs)).toHaveLength(1);
    });

    it('waits for Retry-After when the Web API answers 429', async () => {
      const { instance, waits } = notifier();
      slack.script({ status: 429, headers: { 'retry-after': '2' }, body: { ok: false, error: 'ratelimited' } });

      await instance.notify(scanReport({ jobId: 'job-429' }), { idempotencyKey: 'exec-429#scan' });

      expect(waits).toEqual([2000]);
      expect(slack.messages.size).toBe(1);
    });

    it('starts a new message when the old one was deleted', async () => {
      const { instance } = notifier();
      const report = scanReport({ jobId: 'job-deleted' });
      await instance.notify(report, { idempotencyKey: 'exec-d1#scan' });
      slack.messages.clear();

      await instance.notify(failureReport({ jobId: 'job-deleted' }), { idempotencyKey: 'exec-d2#failure' });
      await instance.notify(failureReport({ jobId: 'job-deleted', reason: 'Again' }), { idempotencyKey: 'exec-d3#failure' });

      expect(paths()).toEqual(['/api/chat.postMessage', '/api/chat.update', '/api/chat.postMessage', '/api/chat.update', '/api/chat.postMessage']);
      expect(slack.messages.size).toBe(2);
    });
  });

  describe('idempotency', () => {
    it('does nothing on a retry of a delivered step', async () => {
      const { instance } = notifier();

      await instance.notify(scanReport({ jobId: 'job-once' }), { idempotencyKey: 'exec-once#scan' });
      await instance.notify(scanReport({ jobId: 'job-once' }), { idempotencyKey: 'exec-once#scan' });

      expect(paths()).toEqual(['/api/chat.postMessage']);
    });

    it('updates instead of posting again when the attempt that posted crashed before recording', async () => {
      const clock = manualClock(Date.UTC(2025, 10, 22));
      const real = new DynamoDeliveryLedger({ ...table, clock, leaseMs: 1000 });
      // The crash: the delivery record of the first attempt is never written.
      let firstAttempt = true;
      const crashing: DeliveryLedger = {
        claim: (key) => real.claim(key),
        release: (key) => real.release(key),
        lookup: (key) => real.lookup(key),
        markSent: async (key, info) => {
          if (key === 'slack#exec-crash#scan' && firstAttempt) throw new Error('Lambda timed out');
          return real.markSent(key, info);
        },
      };
      const report = scanReport({ jobId: 'job-crash' });

      await notifier(crashing).instance.notify(report, { idempotencyKey: 'exec-crash#scan' });
      firstAttempt = false;
      clock.advance(1001);
      await notifier(crashing).instance.notify(report, { idempotencyKey: 'exec-crash#scan' });

      expect(paths()).toEqual(['/api/chat.postMessage', '/api/chat.update']);
      expect(slack.messages.size).toBe(1);
    });
  });

  describe('errors', () => {
    it('reports a missing channel as configuration and frees the delivery for a retry', async () => {
      const { instance } = notifier();
      slack.script({ status: 200, body: { ok: false, error: 'channel_not_found' } });

      await expect(instance.notify(scanReport({ jobId: 'job-nochan' }), { idempotencyKey: 'exec-nochan#scan' })).rejects.toBeInstanceOf(ConfigError);
      await instance.notify(scanReport({ jobId: 'job-nochan' }), { idempotencyKey: 'exec-nochan#scan' });

      expect(slack.messages.size).toBe(1);
    });

    it('names the failing method but never the token', async () => {
      const { instance } = notifier();
      slack.script({ status: 200, body: { ok: false, error: 'invalid_auth' } });

      const error = await rejectionOf(instance.notify(scanReport({ jobId: 'job-auth' }), { idempotencyKey: 'exec-auth#scan' }));

      expect(error).toBeInstanceOf(AuthenticationError);
      expect(error.message).toBe('POST chat.postMessage failed: invalid_auth');
      expect(`${error.message} ${error.stack} ${JSON.stringify(error)}`).not.toContain('XXsecretXX');
    });

    it('rejects a reply that is not the Web API shape', async () => {
      const { instance } = notifier();
      slack.script({ status: 200, body: 'ok' });

      await expect(instance.notify(typicalScanReport(), { idempotencyKey: 'exec-shape#scan' })).rejects.toMatchObject({ name: 'ResponseShapeError' });
    });
  });
});
