import { compliancePercent, postureFromCounts, postureFromPolicies, summarizeAudit } from '../../../../lambdas/zscaler/zcspm/posture.js';
import { AuditSummaryResultSchema } from '../../../../lambdas/zscaler/zcspm/schemas.js';

describe('posture', () => {
  describe('compliancePercent', () => {
    it('leaves Gray out and rounds to two decimals (the vendor sample: 56 / 225)', () => {
      expect(compliancePercent(56, 158, 11)).toBe(24.89);
      expect(compliancePercent(0, 0, 0)).toBe(0);
    });
  });

  describe('postureFromPolicies', () => {
    it('counts policies per colour, unknown colours as Gray', () => {
      const posture = postureFromPolicies([{ compliance: 'Green' }, { compliance: 'RED' }, { compliance: 'amber' }, { compliance: 'Grey' }]);

      expect(posture).toEqual({ total: 4, green: 1, red: 1, amber: 1, gray: 1, compliancePercent: 33.33 });
    });
  });

  describe('postureFromCounts', () => {
    it('recomputes the percent and treats missing counts as 0', () => {
      expect(postureFromCounts({ green: 2, red: 2, total: 1, compliancePercent: 99 } as never)).toEqual({
        total: 4,
        green: 2,
        red: 2,
        amber: 0,
        gray: 0,
        compliancePercent: 50,
      });
    });
  });

  describe('summarizeAudit', () => {
    it('computes category and account posture from the policies and the failed resource counts', () => {
      const result = AuditSummaryResultSchema.parse({
        benchmarkName: 'Cloud Security Best Practices',
        posture: { total: 99, green: 99, red: 0, amber: 0, gray: 0, compliancePercent: 100 },
        resourceCategories: [
          {
            categoryName: 'Compute',
            policies: [
              { policyId: 'P1', passedResourceCount: 2, totalResourceCount: 2, compliance: 'Green' },
              { policyId: 'P2', passedResourceCount: 0, totalResourceCount: 3, compliance: 'Red', severity: 'High' },
            ],
          },
          { categoryName: 'Empty', green: 1, red: 1, policies: [] },
        ],
      });

      const summary = summarizeAudit(result, 'CSBP');

      expect(summary.benchmarkId).toBe('CSBP');
      expect(summary.posture).toEqual({ total: 2, green: 1, red: 1, amber: 0, gray: 0, compliancePercent: 50 });
      expect(summary.categories[0]?.policies[1]).toMatchObject({ policyId: 'P2', failedResourceCount: 3, severity: 'High' });
      expect(summary.categories[1]?.posture).toEqual({ total: 2, green: 1, red: 1, amber: 0, gray: 0, compliancePercent: 50 });
    });

    it('falls back to the server posture counts when no policies are listed', () => {
      const result = AuditSummaryResultSchema.parse({ posture: { total: 10, green: 3, red: 1, amber: 0, gray: 6 } });

      expect(summarizeAudit(result, 'CSBP').posture).toEqual({ total: 10, green: 3, red: 1, amber: 0, gray: 6, compliancePercent: 75 });
    });
  });
});
