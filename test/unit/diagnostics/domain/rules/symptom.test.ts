import { parseCondition, type Threshold } from '../../../../../lambdas/diagnostics/domain/criteria.js';
import { symptom } from '../../../../../lambdas/diagnostics/domain/rules/symptom.js';
import { evidence, stats } from './support.js';

const over3s = parseCondition('Page Fetch Time > 3000 ms') as Threshold;
const atLeast3s = parseCondition('Page Fetch Time >= 3000 ms') as Threshold;
const dnsOver200 = parseCondition('DNS Time > 200 ms') as Threshold;

describe('symptom rules', () => {
  it('is undefined when nothing measured the symptom', () => {
    expect(symptom(evidence(), [over3s])).toEqual({ findings: [], metrics: {}, present: undefined });
  });

  it.each([
    [3000, 3000, over3s, false, 'never'],
    [3000, 3001, over3s, true, 'peaks'],
    [3001, 3001, over3s, true, 'average'],
    [3000, 3000, atLeast3s, true, 'average'],
    [2999, 3000, atLeast3s, true, 'peaks'],
  ] as const)('page fetch avg %d, max %d against %s: present %s, crossed %s', (avg, max, threshold, present, crossed) => {
    const result = symptom(evidence({ web: { pageFetchMs: stats(avg, max) } }), [threshold]);

    expect(result.present).toBe(present);
    expect(result.findings).toEqual([{ rule: 'symptom.page-fetch', facts: { avgMs: avg, maxMs: max, threshold: { ms: 3000, crossed } } }]);
    expect(result.metrics).toEqual({ pageFetchMs: avg, pageFetchMaxMs: max, thresholdMs: 3000 });
  });

  it.each([
    [3000, false],
    [3001, true],
  ])('without an alert threshold, a %d ms average is slow: %s (over DEFAULT_SLOW_PAGE_FETCH_MS, the peak aside)', (avg, present) => {
    const result = symptom(evidence({ web: { pageFetchMs: stats(avg, 9000) } }), []);

    expect(result.present).toBe(present);
    expect(result.findings).toEqual([{ rule: 'symptom.page-fetch', facts: { avgMs: avg, maxMs: 9000 } }]);
    expect(result.metrics).toEqual({ pageFetchMs: avg, pageFetchMaxMs: 9000 });
  });

  it.each([
    [200, false],
    [201, true],
  ])('compares DNS time %d ms with a DNS threshold (present %s, never undefined once measured)', (dns, present) => {
    const result = symptom(evidence({ web: { dnsMs: stats(dns) } }), [dnsOver200]);

    expect(result.present).toBe(present);
    expect(result.findings).toEqual([{ rule: 'symptom.alert-threshold', facts: { metric: 'DNS Time', measuredMs: dns, thresholdMs: 200 } }]);
  });

  it('compares server response time with its threshold, and keeps a page fetch that already crossed', () => {
    const server = parseCondition('Server Response Time > 1 s') as Threshold;
    const result = symptom(evidence({ web: { pageFetchMs: stats(4000), serverResponseMs: stats(500) } }), [over3s, server]);

    expect(result.present).toBe(true);
    expect(result.findings[1]).toEqual({ rule: 'symptom.alert-threshold', facts: { metric: 'Server Response Time', measuredMs: 500, thresholdMs: 1000 } });
  });

  it.each([
    [100, undefined],
    [99.9, true],
  ])('availability dipping to %d%% makes the symptom present: %s (under FULL_AVAILABILITY_PERCENT)', (min, present) => {
    const result = symptom(evidence({ web: { availabilityPercent: stats(99.95, 100, min) } }), []);

    expect(result.present).toBe(present);
    expect(result.metrics).toEqual(present ? { availabilityPercent: 99.95 } : {});
    expect(result.findings).toEqual(present ? [{ rule: 'symptom.availability', facts: { minPercent: min } }] : []);
  });
});
