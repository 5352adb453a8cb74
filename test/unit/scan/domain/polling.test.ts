import { estimateDuration, firstWaitSeconds, nextWaitSeconds, planPolling } from '../../../../lambdas/scan/domain/polling.js';
import { PollingSettingsSchema } from '../../../../lambdas/scan/settings.js';

const settings = PollingSettingsSchema.parse({ minIntervalSeconds: 15, maxIntervalSeconds: 120, firstWaitWithoutHistorySeconds: 120, scanTimeoutSeconds: 3_600 });

describe('planPolling', () => {
  it('has no expectation below the minimum history', () => {
    expect(planPolling([], settings)).toEqual({ expectedSeconds: null, spreadSeconds: null });
    expect(planPolling([600], settings)).toEqual({ expectedSeconds: null, spreadSeconds: null });
  });

  it('expects the median and a robust spread that one outlier does not inflate', () => {
    const plan = planPolling([600, 620, 580, 610, 590, 3_000], settings);

    expect(plan.expectedSeconds).toBe(605);
    expect(plan.spreadSeconds).toBeGreaterThanOrEqual(30);
    expect(plan.spreadSeconds).toBeLessThan(60);
  });

  it('uses only the most recent historySize durations and skips unusable values', () => {
    const small = PollingSettingsSchema.parse({ historySize: 3 });

    const plan = planPolling([100, 100, 100, 900, 900, 900, Number.NaN], small);

    expect(plan.expectedSeconds).toBe(100);
  });
});

describe('firstWaitSeconds', () => {
  it('waits a little less than the expected duration when there is history', () => {
    const plan = planPolling([1_200, 1_180, 1_220, 1_210, 1_190], settings);

    const wait = firstWaitSeconds(plan, settings);

    expect(wait).toBeLessThan(1_200);
    expect(wait).toBeGreaterThan(1_100);
  });

  it('uses the configured first wait without history', () => {
    expect(firstWaitSeconds({ expectedSeconds: null, spreadSeconds: null }, settings)).toBe(120);
  });

  it('never waits past the scan deadline', () => {
    const plan = planPolling([7_000, 7_000, 7_000], settings);

    expect(firstWaitSeconds(plan, settings)).toBe(3_600);
  });
});

describe('nextWaitSeconds', () => {
  it('checks at half a spread near the expected end, within the bounds', () => {
    const plan = { expectedSeconds: 1_200, spreadSeconds: 100 };

    expect(nextWaitSeconds(plan, 1_150, settings)).toBe(50);
    expect(nextWaitSeconds({ expectedSeconds: 1_200, spreadSeconds: 10 }, 1_150, settings)).toBe(15);
    expect(nextWaitSeconds({ expectedSeconds: 3_000, spreadSeconds: 1_000 }, 2_500, settings)).toBe(120);
  });

  it('checks less often the longer a scan overruns, capped at the maximum', () => {
    const plan = { expectedSeconds: 600, spreadSeconds: 30 };

    const soon = nextWaitSeconds(plan, 700, settings);
    const later = nextWaitSeconds(plan, 900, settings);
    const much = nextWaitSeconds(plan, 2_400, settings);

    expect(later).toBeGreaterThan(soon);
    expect(much).toBe(120);
  });

  it('grows with the elapsed time without history', () => {
    const none = { expectedSeconds: null, spreadSeconds: null };

    expect(nextWaitSeconds(none, 120, settings)).toBe(30);
    expect(nextWaitSeconds(none, 400, settings)).toBe(100);
    expect(nextWaitSeconds(none, 1_000, settings)).toBe(120);
  });

  it('stops at the deadline', () => {
    expect(nextWaitSeconds({ expectedSeconds: null, spreadSeconds: null }, 3_590, settings)).toBe(10);
  });
});

describe('estimateDuration', () => {
  it('takes the middle between the last running check and the first done check', () => {
    expect(estimateDuration(700, 600)).toBe(650);
  });

  it('assumes an earlier end when the first check already saw the scan done', () => {
    expect(estimateDuration(800, null)).toBe(600);
  });
});
