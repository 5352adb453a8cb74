import { BusyError } from '../../../../lambdas/core/errors.js';
import { TableStore } from '../../../../lambdas/core/store/table-store.js';
import { TraceSlots } from '../../../../lambdas/diagnostics/adapters/trace-slots.js';
import { manualClock } from '../../../helpers/clock.js';
import { useTestTable } from '../../../helpers/dynamodb.js';

describe('TraceSlots', () => {
  const table = useTestTable('slots');
  let store: TableStore;
  let pool = 0;

  beforeAll(async () => {
    store = new TableStore(table);
  });

  function slots(clock = manualClock()) {
    pool++;
    return { slots: new TraceSlots({ store, pool: `pool-${pool}`, clock }), clock };
  }

  describe('acquire', () => {
    it('hands out slots up to the capacity and raises BusyError beyond it', async () => {
      const { slots: pool3 } = slots();

      await pool3.acquire('a', { capacity: 2, leaseSeconds: 600 });
      await pool3.acquire('b', { capacity: 2, leaseSeconds: 600 });
      const third = pool3.acquire('c', { capacity: 2, leaseSeconds: 600 });

      await expect(third).rejects.toThrow(BusyError);
      await expect(pool3.acquire('c', { capacity: 2, leaseSeconds: 600 })).rejects.toThrow('all 2 tenant trace slots are taken; waiting for one to free up');
      expect(Object.keys(await pool3.holders()).sort()).toEqual(['a', 'b']);
    });

    it('gives a holder that acquires again its own slot back (a retried Lambda)', async () => {
      const { slots: pool1 } = slots();
      await pool1.acquire('a', { capacity: 1, leaseSeconds: 600 });

      const again = await pool1.acquire('a', { capacity: 1, leaseSeconds: 600 });

      expect(again.holders).toBe(1);
    });

    it('never exceeds the capacity under 40 concurrent acquirers', async () => {
      const { slots: pool15 } = slots();

      const outcomes = await Promise.allSettled(
        Array.from({ length: 40 }, (_, index) => pool15.acquire(`holder-${index}`, { capacity: 15, leaseSeconds: 600 })),
      );

      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(15);
      expect(outcomes.filter((outcome) => outcome.status === 'rejected' && outcome.reason instanceof BusyError)).toHaveLength(25);
      expect(Object.keys(await pool15.holders())).toHaveLength(15);
    });

    it('takes over the slot of a holder whose lease expired (a crashed execution)', async () => {
      const { slots: pool1, clock } = slots();
      await pool1.acquire('crashed', { capacity: 1, leaseSeconds: 60 });
      clock.advance(61_000);

      await pool1.acquire('next', { capacity: 1, leaseSeconds: 60 });

      expect(Object.keys(await pool1.holders())).toEqual(['next']);
    });

    it('keeps a lease that is still valid', async () => {
      const { slots: pool1, clock } = slots();
      await pool1.acquire('alive', { capacity: 1, leaseSeconds: 60 });
      clock.advance(59_000);

      await expect(pool1.acquire('next', { capacity: 1, leaseSeconds: 60 })).rejects.toThrow(BusyError);
    });
  });

  describe('release', () => {
    it('frees the slot and is idempotent, also for a pool that does not exist yet', async () => {
      const { slots: pool1 } = slots();
      await pool1.release('nobody');
      await pool1.acquire('a', { capacity: 1, leaseSeconds: 600 });

      await pool1.release('a');
      await pool1.release('a');
      await pool1.acquire('b', { capacity: 1, leaseSeconds: 600 });

      expect(Object.keys(await pool1.holders())).toEqual(['b']);
    });
  });
});
