import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConfigError } from '../../../../lambdas/core/errors.js';
import { SharedRateBudget, bucketAdmissionAt, effectiveLimit, nextAdmissionAt } from '../../../../lambdas/core/rate-budget/shared-rate-budget.js';

const unusedDynamo = {} as DynamoDBClient;

describe('effectiveLimit', () => {
  it('holds back the safety margin, rounding down, never below one', () => {
    const limits = [effectiveLimit(5, 0.1), effectiveLimit(30, 0.1), effectiveLimit(180, 0.1), effectiveLimit(30, 0), effectiveLimit(1, 0.5)];

    expect(limits).toEqual([4, 27, 162, 30, 1]);
  });
});

describe('nextAdmissionAt', () => {
  const windows = [
    { lengthMs: 1_000, limit: 2 },
    { lengthMs: 60_000, limit: 3 },
  ];

  it('admits now when every window has room', () => {
    const at = nextAdmissionAt([9_000], 10_000, windows);

    expect(at).toBe(10_000);
  });

  it('waits for the oldest stamp of a full short window to leave it', () => {
    const at = nextAdmissionAt([9_700, 9_400], 10_000, windows);

    expect(at).toBe(10_400);
  });

  it('waits for the long window when it is the tighter one', () => {
    const at = nextAdmissionAt([1_000, 5_000, 9_990], 10_000, windows);

    expect(at).toBe(61_000);
  });

  it('never places a slot before the latest reservation, even when a window has room earlier', () => {
    const at = nextAdmissionAt([10_500], 10_000, windows);

    expect(at).toBe(10_500);
  });

  it('settles on a time that satisfies both windows at once', () => {
    const at = nextAdmissionAt([0, 59_500, 59_800], 59_900, windows);

    expect(at).toBe(60_500);
  });

  it('ignores stamps that already left every window', () => {
    const at = nextAdmissionAt([-70_000, -60_500, 9_999], 10_000, windows);

    expect(at).toBe(10_000);
  });
});

describe('SharedRateBudget', () => {
  describe('constructor', () => {
    it('rejects a limit that is not a positive integer, naming it', () => {
      const build = () => new SharedRateBudget({ dynamo: unusedDynamo, tableName: 'state', budgetKey: 'zdx', perSecond: 5, perMinute: 0 });

      expect(build).toThrow(ConfigError);
      expect(build).toThrow(/perMinute/);
    });

    it('rejects a safety margin outside [0, 1)', () => {
      const build = () =>
        new SharedRateBudget({ dynamo: unusedDynamo, tableName: 'state', budgetKey: 'zdx', perSecond: 5, perMinute: 30, safetyMargin: 1 });

      expect(build).toThrow(/safetyMargin/);
    });

    it('enforces the ZDX tier-1 limits with the default margin on the minute and the latency allowance on both', () => {
      const budget = new SharedRateBudget({ dynamo: unusedDynamo, tableName: 'state', budgetKey: 'zdx', perSecond: 5, perMinute: 30 });

      expect(budget.windows).toEqual([
        { name: 'second', lengthMs: 1_100, limit: 5 },
        { name: 'minute', lengthMs: 60_100, limit: 27 },
      ]);
      expect(budget.bucketWindows).toEqual([]);
    });

    it('takes only its share of every window, and counts the hour in 60 buckets and the day in 96', () => {
      const budget = new SharedRateBudget({ dynamo: unusedDynamo, tableName: 'state', budgetKey: 'zdx', perSecond: 5, perMinute: 30, perHour: 1_000, perDay: 10_000, share: 0.5 });

      expect(budget.windows.map((window) => window.limit)).toEqual([2, 13]);
      expect(budget.bucketWindows).toEqual([
        { name: 'hour', lengthMs: 3_600_100, limit: 450, bucketMs: 60_000 },
        { name: 'day', lengthMs: 86_400_100, limit: 4_500, bucketMs: 900_000 },
      ]);
    });

    it('refuses a share outside (0, 1] and an hour limit that is not a positive integer', () => {
      const build = (options: { share?: number; perHour?: number }) => () =>
        new SharedRateBudget({ dynamo: unusedDynamo, tableName: 'state', budgetKey: 'zdx', perSecond: 5, perMinute: 30, ...options });

      expect(build({ share: 0 })).toThrow(/share/);
      expect(build({ share: 1.5 })).toThrow(/share/);
      expect(build({ perHour: 0 })).toThrow(/perHour/);
    });
  });
});

describe('bucketAdmissionAt', () => {
  const hour = { name: 'hour' as const, lengthMs: 3_600_000, limit: 10, bucketMs: 60_000 };

  it('admits at once while the buckets overlapping the window leave room', () => {
    const at = bucketAdmissionAt(new Map([[0, 4], [5, 5]]), 600_000, hour);

    expect(at).toBe(600_000);
  });

  it('counts the oldest overlapping bucket whole and waits until the window starts after its end', () => {
    // Bucket 0 holds [0, 60 s); a window ending at 3,630 s still overlaps it.
    const at = bucketAdmissionAt(new Map([[0, 6], [30, 4]]), 3_630_000, hour);

    expect(at).toBe(60_000 + 3_600_000);
  });

  it('drops as many old buckets as one more admission needs', () => {
    const at = bucketAdmissionAt(new Map([[0, 3], [1, 3], [2, 4]]), 1_000_000, { ...hour, limit: 7 });

    expect(at).toBe(2 * 60_000 + 3_600_000);
  });

  it('is never later than what a sliding log of the same admissions needs, plus one bucket', () => {
    const counts = new Map([[10, 10]]);
    const logAt = 10 * 60_000 + 59_000 + 3_600_000;

    expect(bucketAdmissionAt(counts, 700_000, hour)).toBeLessThanOrEqual(logAt + hour.bucketMs);
  });
});

describe('nextAdmissionAt with bucketed windows', () => {
  it('settles on a time that fits the log windows and the hour together', () => {
    const windows = [{ lengthMs: 1_000, limit: 2 }];
    const hour = { name: 'hour' as const, lengthMs: 3_600_000, limit: 3, bucketMs: 60_000 };

    const at = nextAdmissionAt([3_659_500, 3_659_900], 3_659_950, windows, [{ window: hour, counts: new Map([[0, 1], [60, 2]]) }]);

    expect(at).toBe(3_660_500);
  });
});
