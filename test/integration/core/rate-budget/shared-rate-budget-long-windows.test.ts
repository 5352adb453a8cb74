import { BusyError } from '../../../../lambdas/core/errors.js';
import { SharedRateBudget, type SharedRateBudgetOptions } from '../../../../lambdas/core/rate-budget/shared-rate-budget.js';
import { useTestTable } from '../../../helpers/dynamodb.js';
import { maxInAnyWindow } from '../../../../bench/lib/stats.js';
import { manualClock } from '../../../helpers/clock.js';

describe('SharedRateBudget hour and day windows', () => {
  const table = useTestTable('budget-long');
  let budgetCounter = 0;

  function budgets(count: number, options: Partial<SharedRateBudgetOptions> = {}): SharedRateBudget[] {
    budgetCounter += 1;
    const budgetKey = `tenant-long-${budgetCounter}`;
    return Array.from({ length: count }, () => new SharedRateBudget({ ...table, budgetKey, perSecond: 5, perMinute: 30, ...options }));
  }

  it('keeps many containers calling at once within every window and the share, wherever a window starts', async () => {
    // Windows scaled down 1,000x-3,600x; the limits keep the hour and the day binding before the minute.
    const windows = { secondWindowMs: 20, minuteWindowMs: 150, hourWindowMs: 900, dayWindowMs: 2_400, latencyAllowanceMs: 20, maxWaitMs: 60_000 };
    const tenant = { perSecond: 40, perMinute: 120, perHour: 160, perDay: 300 };
    const share = 0.5;
    const instances = budgets(12, { ...tenant, ...windows, share, safetyMargin: 0 });

    const admissions = await Promise.all(Array.from({ length: 160 }, (_, i) => instances[i % instances.length]!.admit()));

    const stamps = admissions.map((admission) => admission.admittedAt);
    expect(new Set(stamps.map((stamp, i) => `${stamp}:${i}`)).size).toBe(160);
    expect(maxInAnyWindow(stamps, windows.secondWindowMs)).toBeLessThanOrEqual(tenant.perSecond * share);
    expect(maxInAnyWindow(stamps, windows.minuteWindowMs)).toBeLessThanOrEqual(tenant.perMinute * share);
    expect(maxInAnyWindow(stamps, windows.hourWindowMs)).toBeLessThanOrEqual(tenant.perHour * share);
    expect(maxInAnyWindow(stamps, windows.dayWindowMs)).toBeLessThanOrEqual(tenant.perDay * share);
    // The day binds: the 160 calls need at least two day windows' worth of 150.
    expect(Math.max(...stamps) - Math.min(...stamps)).toBeGreaterThanOrEqual(windows.dayWindowMs);
    const conflicts = instances.reduce((sum, budget) => sum + budget.stats.conflicts, 0);
    expect(instances.reduce((sum, budget) => sum + budget.stats.admitted, 0)).toBe(160);
    expect(conflicts).toBeGreaterThan(0);
  }, 120_000);

  it('refuses at once, naming the hour, when the hour share is spent, and admits when its oldest bucket leaves', async () => {
    const clock = manualClock();
    const sleeps: number[] = [];
    const [budget, other] = budgets(2, {
      perSecond: 5,
      perMinute: 180,
      perHour: 20,
      share: 0.5,
      safetyMargin: 0,
      latencyAllowanceMs: 0,
      clock,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.advance(ms);
      },
    });
    const start = clock.now();
    for (let i = 0; i < 10; i++) await budget!.admit();
    clock.advance(30 * 60_000);

    await expect(other!.admit({ deadline: clock.now() + 60_000 })).rejects.toThrow(BusyError);
    await expect(other!.admit({ deadline: clock.now() + 60_000 })).rejects.toThrow(/hour window full: 10 of 10/);
    const usage = await other!.usage();
    const firstBucketLeaves = (Math.floor(start / 60_000) + 1) * 60_000 + 3_600_000;
    expect(usage.windows.find((window) => window.window === 'hour')).toEqual({
      window: 'hour',
      used: 10,
      limit: 10,
      tenantLimit: 20,
      fractionUsed: 1,
      pledged: 0,
      // The hour counts the first admissions' one-minute bucket whole, until the hour after its end.
      freesInMs: firstBucketLeaves - clock.now(),
    });

    const later = await other!.admit({ deadline: clock.now() + 2 * 3_600_000 });
    expect(later.admittedAt).toBe(firstBucketLeaves);
  });

  it('counts the day across hours: ten hours of full hour shares fill the day share', async () => {
    const clock = manualClock();
    const [budget] = budgets(1, {
      perSecond: 5,
      perMinute: 180,
      perHour: 10,
      perDay: 50,
      safetyMargin: 0,
      latencyAllowanceMs: 0,
      clock,
      sleep: async (ms) => clock.advance(ms),
    });
    const stamps: number[] = [];
    for (let i = 0; i < 50; i++) stamps.push((await budget!.admit({ deadline: clock.now() + 86_400_000 })).admittedAt);

    await expect(budget!.admit({ deadline: clock.now() + 3_600_000 })).rejects.toThrow(/day window full: 50 of 50/);
    expect(maxInAnyWindow(stamps, 3_600_000)).toBeLessThanOrEqual(10);
    const usage = await budget!.usage();
    expect(usage.windows.map((window) => [window.window, window.limit])).toEqual([['second', 5], ['minute', 180], ['hour', 10], ['day', 50]]);
    expect(usage.windows.find((window) => window.window === 'day')).toMatchObject({ used: 50, fractionUsed: 1 });
    expect(usage.nextSlotInMs).toBeGreaterThan(0);
  });

  it('never pledges the same room twice when many containers pledge at once, and lets pledges decay as they are spent', async () => {
    const clock = manualClock();
    const instances = budgets(10, { perSecond: 5, perMinute: 180, perHour: 1_000, perDay: 10_000, share: 0.5, safetyMargin: 0.1, clock });

    const grants = await Promise.all(instances.map((budget) => budget.pledge({ units: 10, callsEach: 12, headroom: 0, durationMs: 600_000 })));

    // 450 calls of the hour share pay for 37 traces of 12 calls, whoever asks first.
    expect(grants.reduce((sum, grant) => sum + grant.granted, 0)).toBe(37);
    expect(grants.filter((grant) => grant.granted < 10).every((grant) => grant.binding?.window === 'hour')).toBe(true);
    expect((await instances[0]!.usage()).windows.find((window) => window.window === 'hour')).toMatchObject({ used: 0, pledged: 444 });
    clock.advance(300_000);
    expect((await instances[0]!.usage()).windows.find((window) => window.window === 'hour')?.pledged).toBe(222);
    const later = await instances[1]!.pledge({ units: 30, callsEach: 12, headroom: 0.1, durationMs: 600_000 });
    expect(later.granted).toBe(Math.floor((405 - 222) / 12));
  });

  it('grants one request at most its fair share of the room, but always one unit while any is left', async () => {
    const [budget] = budgets(1, { perSecond: 5, perMinute: 180, perHour: 1_000, share: 0.5, safetyMargin: 0.1, clock: manualClock() });
    const request = { units: 60, callsEach: 12, headroom: 0, durationMs: 600_000, fairShare: 0.25 };

    const grants = [];
    for (let i = 0; i < 4; i++) grants.push((await budget!.pledge(request)).granted);

    // 37 traces of room: a quarter (9), then a quarter of the 28 left (7), then 5, then 4.
    expect(grants).toEqual([9, 7, 5, 4]);
  });
});
