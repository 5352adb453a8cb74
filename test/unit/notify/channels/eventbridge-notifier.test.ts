import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { BadRequestError, RateLimitedError } from '../../../../lambdas/core/errors.js';
import { InMemoryDeliveryLedger } from '../../../../lambdas/notify/delivery-ledger.js';
import { EVENT_LIMITS, eventEntrySize } from '../../../../lambdas/notify/render/event-render.js';
import { EventBridgeNotifier } from '../../../../lambdas/notify/channels/eventbridge-notifier.js';
import { failureReport, hugeDiagnosticsReport, hugeScanReport, typicalScanReport } from '../../../fixtures/reports/factories.js';

const events = mockClient(EventBridgeClient);

function notifier() {
  return new EventBridgeNotifier({ client: new EventBridgeClient({ region: 'eu-west-1' }), eventBusName: 'zsa-bus', ledger: new InMemoryDeliveryLedger() });
}

describe('EventBridgeNotifier', () => {
  beforeEach(() => events.reset());

  describe('notify', () => {
    it('puts one zsa event with the detail type of the result on the configured bus', async () => {
      events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });

      const sent = await notifier().notify(failureReport(), { idempotencyKey: 'exec-1#failure' });

      const entries = events.commandCalls(PutEventsCommand)[0]!.args[0].input.Entries!;
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ Source: 'zsa', DetailType: 'ScanFailed', EventBusName: 'zsa-bus' });
      expect(JSON.parse(entries[0]!.Detail!)).toMatchObject({ kind: 'failure', reason: 'ScanFailed', severity: 'high', outcome: 'failed' });
      expect(sent).toEqual({ channel: 'eventbridge', payload: entries[0] });
    });

    it('keeps the huge reports within the entry size limit', async () => {
      events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-2' }] });
      const huge = notifier();

      await huge.notify(hugeScanReport(), { idempotencyKey: 'exec-2#scan' });
      await huge.notify(hugeDiagnosticsReport(), { idempotencyKey: 'exec-3#diagnostics' });

      const sizes = events.commandCalls(PutEventsCommand).map((call) => eventEntrySize(call.args[0].input.Entries![0] as never));
      expect(sizes).toHaveLength(2);
      for (const size of sizes) expect(size).toBeLessThanOrEqual(EVENT_LIMITS.maxEntryBytes);
    });

    it('treats a throttled entry as a retryable failure and puts it again on retry, once', async () => {
      events
        .on(PutEventsCommand)
        .resolvesOnce({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }] })
        .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-4' }] });
      const retried = notifier();

      await expect(retried.notify(typicalScanReport(), { idempotencyKey: 'exec-4#scan' })).rejects.toBeInstanceOf(RateLimitedError);
      await retried.notify(typicalScanReport(), { idempotencyKey: 'exec-4#scan' });
      await retried.notify(typicalScanReport(), { idempotencyKey: 'exec-4#scan' });

      expect(events.commandCalls(PutEventsCommand)).toHaveLength(2);
    });

    it('surfaces a rejected entry that a retry cannot fix', async () => {
      events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'AccessDeniedException', ErrorMessage: 'not allowed' }] });

      const attempt = notifier().notify(typicalScanReport(), { idempotencyKey: 'exec-5#scan' });

      await expect(attempt).rejects.toBeInstanceOf(BadRequestError);
      await expect(notifier().notify(typicalScanReport(), { idempotencyKey: 'exec-5#scan' })).rejects.toThrow(/AccessDeniedException/);
    });
  });
});
