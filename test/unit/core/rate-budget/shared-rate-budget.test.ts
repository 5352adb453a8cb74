import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ConfigError } from '../../../../lambdas/core/errors.js';
import { SharedRateBudget, effectiveLimit, nextAdmissionAt } from '../../../../lambdas/core/rate-budget/shared-rate-budget.js';

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
        { lengthMs: 1_100, limit: 5 },
        { lengthMs: 60_100, limit: 27 },
      ]);
    });
  });
});
