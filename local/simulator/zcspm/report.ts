/**
 * Audit summary and failed-asset documents computed from a scan snapshot by the rules inferred
 * from the vendor sample (zcspm-api.md §6): a policy is Gray without resources, Green when all
 * pass, Red when none pass, Amber otherwise; category and posture counts are policy counts;
 * CompliancePercent = Green / (Green + Red + Amber) x 100 with Gray left out. camelCase keys.
 */
import { POLICY_BY_ID, type BenchmarkDef, type PolicyDef, type Severity } from '../data/zcspm-catalog.js';
import type { CloudResource } from '../data/zcspm-seed.js';
import type { CloudAccount, ScanJob, ScanSnapshot } from './state.js';
import { policiesFor } from './state.js';

type Colour = 'Green' | 'Red' | 'Amber' | 'Gray';

/** Colour of a policy from its counts. */
export function complianceOf(passed: number, total: number): Colour {
  if (total === 0) return 'Gray';
  if (passed === total) return 'Green';
  if (passed === 0) return 'Red';
  return 'Amber';
}

/** Green / (Green + Red + Amber) x 100, 0 when only Gray. */
export function compliancePercent(counts: Record<Colour, number>): number {
  const rated = counts.Green + counts.Red + counts.Amber;
  return rated === 0 ? 0 : (counts.Green / rated) * 100;
}

function riskProbability(failed: number, total: number): string {
  if (total === 0) return ' ';
  if (failed === 0) return 'NotLikely';
  const ratio = failed / total;
  return ratio >= 0.5 ? 'Certain' : ratio >= 0.25 ? 'High' : 'Moderate';
}

/** Severity x probability -> risk colour (the pairs seen in the vendor sample, extended). */
function riskLevel(severity: Severity, probability: string): string {
  if (probability === ' ') return '';
  if (probability === 'NotLikely') return severity === 'Critical' || severity === 'High' ? 'Amber' : 'Green';
  if (probability === 'Certain') return severity === 'Low' || severity === 'VeryLow' ? 'Amber' : 'Red';
  if (severity === 'Critical' || severity === 'High') return 'Red';
  return 'Amber';
}

function resourcesOf(snapshot: ScanSnapshot, policy: PolicyDef): CloudResource[] {
  return snapshot.resources.filter((r) => policiesFor(r.resourceType).includes(policy) || snapshot.failing.has(`${policy.policyId}|${r.resourceId}`));
}

const emptyCounts = (): Record<Colour, number> => ({ Green: 0, Red: 0, Amber: 0, Gray: 0 });
const round = (n: number) => Math.round(n * 100000) / 100000;

/** The `result` of the audit summary for one benchmark and one scan job. */
export function auditSummary(licenseId: string, account: CloudAccount, benchmark: BenchmarkDef, job: ScanJob & { snapshot: ScanSnapshot }): Record<string, unknown> {
  const snapshot = job.snapshot;
  const posture = emptyCounts();
  const categories = benchmark.categories.map((category, index) => {
    const counts = emptyCounts();
    const policies = category.policies.map(([policyId, complianceNumber]) => {
      const policy = POLICY_BY_ID.get(policyId);
      if (!policy) throw new Error(`Catalog error: unknown policy ${policyId}`);
      const resources = resourcesOf(snapshot, policy);
      const failed = resources.filter((r) => snapshot.failing.has(`${policyId}|${r.resourceId}`)).length;
      const total = resources.length;
      const colour = complianceOf(total - failed, total);
      counts[colour] += 1;
      posture[colour] += 1;
      const probability = riskProbability(failed, total);
      return {
        policyId,
        shortTitle: policy.shortTitle,
        serviceName: policy.serviceName,
        complianceNumber,
        passedResourceCount: total - failed,
        totalResourceCount: total,
        compliance: colour,
        severity: policy.severity,
        riskProbability: probability,
        riskLevel: riskLevel(policy.severity, probability),
      };
    });
    return {
      categoryName: category.categoryName,
      categoryId: category.categoryId,
      controlCategoryOrder: index + 1,
      total: policies.length,
      green: counts.Green,
      red: counts.Red,
      amber: counts.Amber,
      gray: counts.Gray,
      compliancePercent: round(compliancePercent(counts)),
      policies,
    };
  });
  const completed = new Date(snapshot.completedAt);
  return {
    benchmarkId: benchmark.benchmarkId,
    benchmarkName: benchmark.name,
    title: benchmark.name,
    longName: benchmark.longName,
    accountId: account.accountId,
    accountName: account.accountName,
    licenseId,
    licenseName: 'Sandbox License',
    connectorType: account.connectorType,
    subscriptionId: null,
    awsAccountId: account.awsAccountId ?? null,
    jobId: job.jobId,
    lastScannedDate: completed.toISOString(),
    lastScannedDateEpochTime: snapshot.completedAt / 1000,
    timeToLive: null,
    posture: {
      total: posture.Green + posture.Red + posture.Amber + posture.Gray,
      green: posture.Green,
      red: posture.Red,
      amber: posture.Amber,
      gray: posture.Gray,
      compliancePercent: round(compliancePercent(posture)),
    },
    resourceCategories: categories,
  };
}

/** Every failed (policy, resource) pair of a benchmark in one snapshot, in a stable order. */
export function failedAssets(benchmark: BenchmarkDef, snapshot: ScanSnapshot): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const category of benchmark.categories) {
    for (const [policyId] of category.policies) {
      const policy = POLICY_BY_ID.get(policyId);
      if (!policy) continue;
      for (const resource of resourcesOf(snapshot, policy)) {
        if (!snapshot.failing.has(`${policyId}|${resource.resourceId}`)) continue;
        out.push({
          resourceName: resource.resourceName,
          resourceId: resource.resourceId,
          resourceType: resource.resourceType,
          resourceRegion: resource.resourceRegion,
          accessLevel: policy.publicExposure ? 'Public' : 'Private',
          policyId,
          shortTitle: policy.shortTitle,
          categoryName: category.categoryName,
          impact: policy.severity,
          tags: resource.tags,
        });
      }
    }
  }
  return out;
}
