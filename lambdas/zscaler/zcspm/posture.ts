/**
 * Audit summary -> the posture figures the reports use, computed by one rule everywhere:
 * counts are numbers of POLICIES per colour; `compliancePercent = green / (green + red + amber) x 100`
 * with Gray left out (the rule every row of the vendor's 879-policy sample follows). When a summary
 * lists its policies we count them ourselves, so category and account figures always agree with the
 * policies shown; only a summary without policies falls back to the server's counts.
 */
import type { AuditPolicy, AuditSummary, AuditSummaryResult, Posture, PostureCounts } from './schemas.js';

type Colour = 'green' | 'red' | 'amber' | 'gray';

/** Normalizes a colour name; anything unknown counts as Gray (not assessed). */
function colourOf(value: string): Colour {
  const lower = value.trim().toLowerCase();
  if (lower === 'green' || lower === 'red' || lower === 'amber') return lower;
  return 'gray';
}

/** Percent with two decimals; 0 when nothing was assessed. */
export function compliancePercent(green: number, red: number, amber: number): number {
  const assessed = green + red + amber;
  return assessed === 0 ? 0 : Math.round((green / assessed) * 10_000) / 100;
}

/** Posture from colour counts (missing counts are 0; `total` at least the sum of the colours). */
export function postureFromCounts(counts: PostureCounts): Posture {
  const green = Math.max(0, counts.green ?? 0);
  const red = Math.max(0, counts.red ?? 0);
  const amber = Math.max(0, counts.amber ?? 0);
  const gray = Math.max(0, counts.gray ?? 0);
  const total = Math.max(counts.total ?? 0, green + red + amber + gray);
  return { total, green, red, amber, gray, compliancePercent: compliancePercent(green, red, amber) };
}

/** Posture by counting policies per colour. */
export function postureFromPolicies(policies: ReadonlyArray<{ compliance: string }>): Posture {
  const counts = { green: 0, red: 0, amber: 0, gray: 0 };
  for (const policy of policies) counts[colourOf(policy.compliance)]++;
  return postureFromCounts({ ...counts, total: policies.length });
}

/** Builds the {@link AuditSummary} of a parsed `result`, computing every posture by the one rule. */
export function summarizeAudit(result: AuditSummaryResult, requestedBenchmarkId: string): AuditSummary {
  const categories = result.resourceCategories.map((category) => {
    const policies: AuditPolicy[] = category.policies.map((policy) => ({
      policyId: policy.policyId,
      shortTitle: policy.shortTitle ?? undefined,
      serviceName: policy.serviceName ?? undefined,
      complianceNumber: policy.complianceNumber ?? undefined,
      severity: policy.severity ?? undefined,
      riskLevel: policy.riskLevel ?? undefined,
      compliance: policy.compliance,
      passedResourceCount: policy.passedResourceCount,
      totalResourceCount: policy.totalResourceCount,
      failedResourceCount: Math.max(0, policy.totalResourceCount - policy.passedResourceCount),
    }));
    return {
      categoryId: category.categoryId ?? undefined,
      categoryName: category.categoryName,
      posture: policies.length > 0 ? postureFromPolicies(policies) : postureFromCounts(category),
      policies,
    };
  });
  const allPolicies = categories.flatMap((category) => category.policies);
  const posture = allPolicies.length > 0 ? postureFromPolicies(allPolicies) : postureFromCounts(result.posture ?? {});
  return {
    benchmarkId: result.benchmarkId ?? requestedBenchmarkId,
    benchmarkName: result.benchmarkName ?? result.title ?? result.longName ?? undefined,
    accountId: result.accountId ?? undefined,
    accountName: result.accountName ?? undefined,
    connectorType: result.connectorType ?? undefined,
    jobId: result.jobId ?? undefined,
    lastScannedDate: result.lastScannedDate ?? undefined,
    posture,
    categories,
  };
}
