import { LIST_PRICES, maxInServerWindow, orgDay } from '../../bench/storm.js';

describe('orgDay', () => {
  it('scales the measured unit costs to 1,000 accounts x 10 deployments and 50 alerts, priced at list prices', () => {
    const perScan = { transitions: 20, invocations: 8, dynamodbReads: 10, dynamodbWrites: 12 };
    const perAlert = { transitions: 150, invocations: 60, dynamodbReads: 200, dynamodbWrites: 100 };

    const day = orgDay(perScan, perAlert);

    expect(day).toMatchObject({ transitions: 10_000 * 20 + 50 * 150, invocations: 10_000 * 8 + 50 * 60, dynamodbRequests: 10_000 * 22 + 50 * 300 });
    const dollars =
      207_500 * LIST_PRICES.perStateTransition +
      83_000 * (LIST_PRICES.perLambdaRequest + LIST_PRICES.perLambdaDuration) +
      125_000 * LIST_PRICES.perDynamoWrite +
      110_000 * LIST_PRICES.perDynamoRead;
    expect(day.dollars).toBeCloseTo(dollars, 2);
  });
});

describe('maxInServerWindow', () => {
  it('counts windows the way ZDX does: each starts with the first call after the previous one ended', () => {
    // Sliding, 0.9-1.1 holds 3 calls; the server's windows are [0, 1) with 2 and [1.1, 2.1) with 2.
    expect(maxInServerWindow([0, 900, 1_100, 1_200], 1_000)).toBe(2);
    expect(maxInServerWindow([], 1_000)).toBe(0);
  });
});
