import { BadRequestError, BusyError, ConnectionError, RateLimitedError, ServerError } from '../../../../lambdas/core/errors.js';
import { DynamoDeliveryLedger } from '../../../../lambdas/notify/delivery-ledger.js';
import { renderSlack } from '../../../../lambdas/notify/render/slack-render.js';
import { SlackWebhookNotifier } from '../../../../lambdas/notify/channels/slack-webhook-notifier.js';
import type { Log } from '../../../../lambdas/core/ports.js';
import { useTestTable } from '../../../helpers/dynamodb.js';
import { typicalDiagnosticsReport, typicalScanReport } from '../../../fixtures/reports/factories.js';
import { rejectionOf, slackTestHttp, useFakeSlack } from '../fake-slack.js';

const SECRET_PATH = '/services/T0000/B0000/XXsecretXXwebhookXXtoken';

function recordingLog(): Log & { text: () => string } {
  const lines: unknown[] = [];
  const push = (message: string, extra?: Record<string, unknown>) => void lines.push({ message, extra });
  return { debug: push, info: push, warn: push, error: push, text: () => JSON.stringify(lines) };
}

describe('SlackWebhookNotifier', () => {
  const slack = useFakeSlack();
  const table = useTestTable('slack-webhook');

  function notifier(options: { log?: Log; maxRetries?: number; budgetMs?: number; url?: string } = {}) {
    const { waits, http } = slackTestHttp({ maxRetries: options.maxRetries, budgetMs: options.budgetMs });
    const instance = new SlackWebhookNotifier({
      webhookUrl: async () => options.url ?? `${slack.url}${SECRET_PATH}`,
      ledger: new DynamoDeliveryLedger(table),
      log: options.log,
      http,
    });
    return { instance, waits };
  }

  describe('notify', () => {
    it('posts the rendered message as JSON to the webhook', async () => {
      const { instance } = notifier();
      const report = typicalScanReport();

      const sent = await instance.notify(report, { idempotencyKey: 'exec-post' });

      expect(slack.requests).toHaveLength(1);
      expect(slack.requests[0]).toMatchObject({ method: 'POST', path: SECRET_PATH, headers: { 'content-type': 'application/json; charset=utf-8' } });
      expect(slack.webhookPosts).toEqual([renderSlack(report)]);
      expect(sent).toEqual({ channel: 'slack', payload: renderSlack(report) });
    });

    it('waits for Retry-After on 429 and then posts', async () => {
      const { instance, waits } = notifier();
      slack.script({ status: 429, headers: { 'retry-after': '3' }, body: 'rate_limited' });

      await instance.notify(typicalScanReport(), { idempotencyKey: 'exec-429' });

      expect(waits).toEqual([3000]);
      expect(slack.requests).toHaveLength(2);
      expect(slack.webhookPosts).toHaveLength(1);
    });

    it('retries 5xx answers with growing backoff', async () => {
      const { instance, waits } = notifier();
      slack.script({ status: 503, body: 'service_unavailable' }, { status: 500, body: 'internal_error' });

      await instance.notify(typicalScanReport(), { idempotencyKey: 'exec-5xx' });

      expect(slack.requests).toHaveLength(3);
      expect(slack.webhookPosts).toHaveLength(1);
      expect(waits).toEqual([375, 750]);
    });

    it('does not retry a rejected payload and keeps the webhook URL out of the error and the log', async () => {
      const log = recordingLog();
      const { instance } = notifier({ log });
      slack.script({ status: 400, body: 'invalid_payload' });

      const error = await rejectionOf(instance.notify(typicalScanReport(), { idempotencyKey: 'exec-400' }));

      expect(error).toBeInstanceOf(BadRequestError);
      expect(error.message).toBe('POST slack-webhook answered 400: invalid_payload');
      expect(slack.requests).toHaveLength(1);
      expect(`${error.message} ${error.stack} ${JSON.stringify(error)} ${log.text()}`).not.toContain('XXsecretXX');
    });

    it('gives up when Retry-After reaches past the deadline, with a retryable error', async () => {
      const { instance, waits } = notifier({ budgetMs: 5000 });
      slack.script({ status: 429, headers: { 'retry-after': '30' }, body: 'rate_limited' });

      const attempt = instance.notify(typicalScanReport(), { idempotencyKey: 'exec-deadline' });

      await expect(attempt).rejects.toMatchObject({ name: 'RateLimitedError', retryAfterSeconds: 30, retryable: true });
      expect(waits).toEqual([]);
    });

    it('reports a refused connection without the URL', async () => {
      const { instance } = notifier({ maxRetries: 1, url: `http://127.0.0.1:1${SECRET_PATH}` });

      const error = await rejectionOf(instance.notify(typicalScanReport(), { idempotencyKey: 'exec-refused' }));

      expect(error).toBeInstanceOf(ConnectionError);
      expect(`${error.message} ${error.stack} ${String(error.cause)} ${JSON.stringify(error)}`).not.toContain('XXsecretXX');
    });
  });

  describe('idempotency', () => {
    it('posts once across a failed attempt, its retry and a later retry of the same step', async () => {
      const { instance } = notifier({ maxRetries: 1 });
      slack.script({ status: 500, body: 'internal_error' }, { status: 502, body: 'bad gateway' });

      await expect(instance.notify(typicalDiagnosticsReport(), { idempotencyKey: 'exec-retry' })).rejects.toBeInstanceOf(ServerError);
      await instance.notify(typicalDiagnosticsReport(), { idempotencyKey: 'exec-retry' });
      await instance.notify(typicalDiagnosticsReport(), { idempotencyKey: 'exec-retry' });

      expect(slack.requests).toHaveLength(3);
      expect(slack.webhookPosts).toHaveLength(1);
    });

    it('lets only one of two concurrent attempts post', async () => {
      const first = notifier().instance;
      const second = notifier().instance;

      const outcomes = await Promise.allSettled([
        first.notify(typicalScanReport(), { idempotencyKey: 'exec-concurrent' }),
        second.notify(typicalScanReport(), { idempotencyKey: 'exec-concurrent' }),
      ]);

      expect(slack.webhookPosts).toHaveLength(1);
      const rejected = outcomes.filter((o) => o.status === 'rejected');
      for (const outcome of rejected) expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(BusyError);
    });

    it('keeps separate deliveries for separate keys', async () => {
      const { instance } = notifier();

      await instance.notify(typicalScanReport(), { idempotencyKey: 'exec-a' });
      await instance.notify(typicalScanReport(), { idempotencyKey: 'exec-b' });

      expect(slack.webhookPosts).toHaveLength(2);
    });
  });

  describe('limits', () => {
    it('surfaces a 429 after the attempts run out as a retryable error', async () => {
      const { instance, waits } = notifier({ maxRetries: 1 });
      slack.script({ status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' }, { status: 429, headers: { 'retry-after': '1' }, body: 'rate_limited' });

      await expect(instance.notify(typicalScanReport(), { idempotencyKey: 'exec-429-twice' })).rejects.toBeInstanceOf(RateLimitedError);
      expect(waits).toEqual([1000]);
    });
  });
});
