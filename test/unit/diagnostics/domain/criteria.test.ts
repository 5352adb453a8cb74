import { alertThresholds, parseCondition } from '../../../../lambdas/diagnostics/domain/criteria.js';

describe('criteria', () => {
  describe('parseCondition', () => {
    it('reads metric, operator, value and unit', () => {
      expect(parseCondition('Page Fetch Time > 3000 ms')).toEqual({
        metric: 'Page Fetch Time',
        kind: 'page_fetch_time',
        operator: '>',
        value: 3000,
        unit: 'ms',
        text: 'Page Fetch Time > 3000 ms',
      });
    });

    it('converts seconds to milliseconds', () => {
      expect(parseCondition('DNS Time >= 1.5 s')).toMatchObject({ kind: 'dns_time', operator: '>=', value: 1500, unit: 'ms' });
    });

    it('knows scores and loss and leaves other text alone', () => {
      expect(parseCondition('ZDX Score < 50')).toMatchObject({ kind: 'score', operator: '<', value: 50 });
      expect(parseCondition('Packet Loss > 5 %')).toMatchObject({ kind: 'packet_loss', value: 5, unit: '%' });
      expect(parseCondition('Wi-Fi is weak')).toBeUndefined();
    });
  });

  describe('alertThresholds', () => {
    it('reads structured conditions with their observed stats, hit ones first', () => {
      const thresholds = alertThresholds(
        {
          op: 'OR',
          conditions: [
            { conditionString: 'DNS Time > 500 ms', isHit: false },
            { conditionString: 'Page Fetch Time > 3000 ms', isHit: true, stats: { min: 3120, max: 8410, avg: 4975 } },
          ],
        },
        undefined,
      );

      expect(thresholds.map((threshold) => threshold.kind)).toEqual(['page_fetch_time', 'dns_time']);
      expect(thresholds[0]?.observed).toEqual({ min: 3120, max: 8410, avg: 4975 });
    });

    it('falls back to the criteria string split on AND/OR', () => {
      const thresholds = alertThresholds(undefined, 'Page Fetch Time > 3000 ms AND Server Response Time > 800 ms');

      expect(thresholds.map((threshold) => [threshold.kind, threshold.value])).toEqual([
        ['page_fetch_time', 3000],
        ['server_response_time', 800],
      ]);
    });
  });
});
