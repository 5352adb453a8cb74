import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { BusyError } from '../../../lambdas/core/errors.js';
import { DynamoDeliveryLedger } from '../../../lambdas/notify/delivery-ledger.js';
import { useTestTable } from '../../helpers/dynamodb.js';
import { manualClock } from '../../helpers/clock.js';

describe('DynamoDeliveryLedger', () => {
  const table = useTestTable('ledger');

  describe('claim', () => {
    it('lets exactly one of many concurrent callers claim a key', async () => {
      const ledger = new DynamoDeliveryLedger(table);

      const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => ledger.claim('concurrent')));

      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
        expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(BusyError);
      }
    });

    it('frees a claim whose lease ran out (a crashed attempt)', async () => {
      const clock = manualClock(Date.UTC(2025, 10, 22));
      const ledger = new DynamoDeliveryLedger({ ...table, clock, leaseMs: 1000 });

      await ledger.claim('crashed');
      clock.advance(1001);

      expect(await ledger.claim('crashed')).toBe('claimed');
    });

    it('answers already-sent once marked, and stores the item under the idempotency prefix', async () => {
      const ledger = new DynamoDeliveryLedger(table);

      await ledger.claim('exec-1#scan');
      await ledger.markSent('exec-1#scan', { ts: '1700000000.000001', channel: 'C1' });

      expect(await ledger.claim('exec-1#scan')).toBe('already-sent');
      expect(await ledger.lookup('exec-1#scan')).toEqual({ ts: '1700000000.000001', channel: 'C1' });
      const item = await table.dynamo.send(new GetItemCommand({ TableName: table.tableName, Key: { pk: { S: 'idem#exec-1#scan' }, sk: { S: 'delivery' } } }));
      expect(item.Item?.state?.S).toBe('sent');
      expect(Number(item.Item?.expiresAt?.N)).toBeGreaterThan(Date.now() / 1000 + 29 * 24 * 3600);
    });

    it('treats an expired sent record as absent (TTL deletes late)', async () => {
      const clock = manualClock(Date.UTC(2025, 10, 22));
      const ledger = new DynamoDeliveryLedger({ ...table, clock, retentionSeconds: 60 });

      await ledger.claim('expired');
      await ledger.markSent('expired', {});
      clock.advance(61_000);

      expect(await ledger.lookup('expired')).toBeUndefined();
      expect(await ledger.claim('expired')).toBe('claimed');
    });

    it('hashes keys too long for a partition key', async () => {
      const ledger = new DynamoDeliveryLedger(table);
      const long = `exec-${'x'.repeat(3000)}`;

      await ledger.claim(long);
      await ledger.markSent(long, { n: 1 });

      expect(await ledger.lookup(long)).toEqual({ n: 1 });
    });
  });

  describe('release', () => {
    it('frees a pending claim at once and never removes a sent record', async () => {
      const ledger = new DynamoDeliveryLedger(table);

      await ledger.claim('released');
      await ledger.release('released');
      const reclaimed = await ledger.claim('released');
      await ledger.markSent('released', {});
      await ledger.release('released');

      expect(reclaimed).toBe('claimed');
      expect(await ledger.claim('released')).toBe('already-sent');
    });
  });
});
