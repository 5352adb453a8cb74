import { BusyError } from '../../../../lambdas/core/errors.js';
import { SharedRateBudget, type SharedRateBudgetOptions } from '../../../../lambdas/core/rate-budget/shared-rate-budget.js';
import { useTestTable } from '../../../helpers/dynamodb.js';
import { maxInAnyWindow } from '../../../../bench/lib/stats.js';
import { manualClock } from '../../../helpers/clock.js';

describe('SharedRateBudget', () => {
  const table = useTestTable('budget');
  let budgetCounter = 0;

  function budgets(count: number, options: Partial<SharedRateBudgetOptions> = {}): SharedRateBudget[] {
    budgetCounter += 1;
    const budgetKey = `tenant-${budgetCounter}`;
    return Array.from(
      { length: count },
      () => new SharedRateBudget({ ...table, budgetKey, perSecond: 5, perMinute: 30, ...options }),
    );
  }

  describe('admit', () => {
    it('keeps concurrent callers from several containers within both limits in every sliding window', async () => {
      const windows = { secondWindowMs: 200, minuteWindowMs: 1_000, latencyAllowanceMs: 60, maxWaitMs: 30_000 };
      const instances = budgets(4, { perSecond: 5, perMinute: 12, ...windows });

      const admissions = await Promise.all(
        Array.from({ length: 24 }, (_, i) => instances[i % 4]!.admit()),
      );

      const stamps = admissions.map((admission) => admission.admittedAt);
      expect(stamps).toHaveLength(24);
      expect(maxInAnyWindow(stamps, windows.secondWindowMs)).toBeLessThanOrEqual(5);
      expect(maxInAnyWindow(stamps, windows.minuteWindowMs)).toBeLessThanOrEqual(10);
    });

    it('admits a burst up to the short-window limit without waiting', async () => {
      const clock = manualClock();
      const sleeps: number[] = [];
      const [budget] = budgets(1, { clock, sleep: async (ms) => void sleeps.push(ms) });

      const admissions = [];
      for (let i = 0; i < 5; i++) admissions.push(await budget!.admit());

      expect(admissions.map((admission) => admission.waitedMs)).toEqual([0, 0, 0, 0, 0]);
      expect(sleeps).toEqual([]);
    });

    it('waits until the oldest admission leaves the window, then admits', async () => {
      const clock = manualClock();
      const [budget] = budgets(1, {
        perSecond: 5,
        perMinute: 30,
        clock,
        jitterMs: 0,
        sleep: async (ms) => clock.advance(ms),
      });
      const first = await budget!.admit();
      for (let i = 0; i < 4; i++) await budget!.admit();

      const sixth = await budget!.admit();

      expect(sixth.admittedAt).toBe(first.admittedAt + 1_100);
    });

    it('gives up a slot it resumed too late for and reserves the next one', async () => {
      const clock = manualClock();
      let lateOnce = true;
      const [budget] = budgets(1, {
        perSecond: 1,
        perMinute: 30,
        safetyMargin: 0,
        latencyAllowanceMs: 100,
        clock,
        sleep: async (ms) => {
          clock.advance(ms + (lateOnce ? 500 : 0));
          lateOnce = false;
        },
      });
      const first = await budget!.admit();

      const second = await budget!.admit();

      expect(second.admittedAt).toBe(first.admittedAt + 2 * 1_100);
    });

    it('serves the callers of one container in order, refusing only the one whose deadline comes too soon', async () => {
      const clock = manualClock();
      const [budget] = budgets(1, { perSecond: 1, perMinute: 30, safetyMargin: 0, latencyAllowanceMs: 0, clock, sleep: async (ms) => clock.advance(ms) });
      const start = clock.now();

      const [first, hurried, patient] = await Promise.allSettled([
        budget!.admit(),
        budget!.admit({ deadline: start + 500 }),
        budget!.admit({ deadline: start + 5_000 }),
      ]);

      expect(first).toEqual({ status: 'fulfilled', value: { admittedAt: start, waitedMs: 0 } });
      expect(hurried).toEqual({ status: 'rejected', reason: expect.any(BusyError) });
      expect(patient).toEqual({ status: 'fulfilled', value: { admittedAt: start + 1_000, waitedMs: 1_000 } });
      expect(budget!.stats).toEqual({ admitted: 2, forfeited: 0, conflicts: 0 });
    });

    it('throws BusyError without waiting or recording when the next slot lies past the deadline', async () => {
      const clock = manualClock();
      const sleeps: number[] = [];
      const [budget, other] = budgets(2, { perMinute: 2, safetyMargin: 0, clock, sleep: async (ms) => void sleeps.push(ms) });
      const start = clock.now();
      await budget!.admit();
      await budget!.admit();
      clock.advance(1_000);

      const attempt = budget!.admit({ deadline: clock.now() + 5_000 });

      await expect(attempt).rejects.toBeInstanceOf(BusyError);
      expect(sleeps).toEqual([]);
      clock.advance(start + 60_100 - clock.now());
      const later = [await other!.admit(), await other!.admit()];
      expect(later.map((admission) => admission.waitedMs)).toEqual([0, 0]);
      expect(sleeps).toEqual([]);
    });

    it('rejects with the abort reason when the signal aborts while waiting', async () => {
      const [budget] = budgets(1, { perMinute: 1, safetyMargin: 0, minuteWindowMs: 60_000 });
      await budget!.admit();
      const controller = new AbortController();

      const waiting = budget!.admit({ signal: controller.signal });
      setTimeout(() => controller.abort(new Error('invocation is ending')), 20);

      await expect(waiting).rejects.toThrow('invocation is ending');
    });
  });

  describe('acquire', () => {
    it('resolves once admitted, satisfying the RateLimiter port', async () => {
      const [budget] = budgets(1);

      const result = await budget!.acquire({ deadline: Date.now() + 1_000 });

      expect(result).toBeUndefined();
    });
  });
});
