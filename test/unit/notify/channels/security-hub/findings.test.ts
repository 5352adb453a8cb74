import { asffProblems } from '../../../../../lambdas/notify/channels/security-hub/asff-schema.js';
import {
  ASFF_LIMITS,
  asffResourceType,
  asffSeverity,
  buildScanFindings,
  findingId,
  type TrackedFinding,
} from '../../../../../lambdas/notify/channels/security-hub/findings.js';
import { failedAsset, scanReport } from '../../../../fixtures/reports/factories.js';

const target = { partition: 'aws', region: 'eu-west-1' } as const;

function tracked(index: number, overrides: Partial<TrackedFinding> = {}): TrackedFinding {
  const { fromDeployment: _from, stackName: _stack, ...asset } = failedAsset(index);
  return { ...asset, ...overrides };
}

describe('buildScanFindings', () => {
  it('writes one valid FAILED, ACTIVE finding per failed asset and one PASSED, ARCHIVED finding per fixed one', () => {
    const report = scanReport();
    const failed = [0, 1, 2, 3, 4, 5].map((index) => tracked(index));
    const fixed = [tracked(7), tracked(8)];

    const findings = buildScanFindings({ report, failed, fixed, target });

    expect(findings).toHaveLength(8);
    for (const finding of findings) expect(asffProblems(finding)).toEqual([]);
    expect(findings.slice(0, 6).map((finding) => [finding.Compliance.Status, finding.RecordState])).toEqual(Array(6).fill(['FAILED', 'ACTIVE']));
    expect(findings.slice(6).map((finding) => [finding.Compliance.Status, finding.RecordState, finding.Severity.Label])).toEqual(
      Array(2).fill(['PASSED', 'ARCHIVED', 'INFORMATIONAL']),
    );
    expect(new Set(findings.map((finding) => finding.Id)).size).toBe(8);
  });

  it('gives the same finding the same Id in every scan, so a rescan updates it', () => {
    const first = buildScanFindings({ report: scanReport({ jobId: 'job-1', completedAt: '2025-11-22T09:00:00Z' }), failed: [tracked(1)], fixed: [], target });
    const second = buildScanFindings({ report: scanReport({ jobId: 'job-2', completedAt: '2025-11-23T09:00:00Z' }), failed: [], fixed: [tracked(1)], target });

    expect(second[0]!.Id).toBe(first[0]!.Id);
    expect(first[0]!.Id).toBe(`zcspm/${scanReport().zcspmAccountId}/policy-2/${tracked(1).resourceId}`);
    expect(Date.parse(second[0]!.UpdatedAt)).toBeGreaterThan(Date.parse(first[0]!.UpdatedAt));
  });

  it('keeps CreatedAt from the first sighting and moves UpdatedAt to this scan', () => {
    const report = scanReport({ completedAt: '2025-11-23T09:00:00Z' });

    const [finding] = buildScanFindings({ report, failed: [tracked(0, { firstSeenAt: '2025-11-01T10:00:00Z' })], fixed: [], target });

    expect(finding).toMatchObject({
      CreatedAt: '2025-11-01T10:00:00Z',
      FirstObservedAt: '2025-11-01T10:00:00Z',
      UpdatedAt: '2025-11-23T09:00:00Z',
      LastObservedAt: '2025-11-23T09:00:00Z',
    });
  });

  it('names the deployment that introduced the failure in ProductFields and links the report and the execution', () => {
    const introducedBy = { stackName: 'payments-api', stackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/payments-api/1', time: '2025-11-22T08:30:00Z' };
    const report = scanReport({ links: { zcspm: 'https://zcspm.example/report', execution: 'https://console.example/exec' } });

    const [finding] = buildScanFindings({ report, failed: [tracked(0, { introducedBy })], fixed: [], target });

    expect(finding!.ProductFields).toMatchObject({
      'zsa/IntroducedByStackName': 'payments-api',
      'zsa/IntroducedByStackId': introducedBy.stackId,
      'zsa/IntroducedAt': introducedBy.time,
      'zsa/ExecutionUrl': 'https://console.example/exec',
      'zsa/ScanJobId': report.jobId,
    });
    expect(finding!.SourceUrl).toBe('https://zcspm.example/report');
    expect(finding!.Description).toContain('after stack payments-api was deployed');
  });

  it('sets severity and types both at the top level and in FindingProviderFields, one type per benchmark', () => {
    const [finding] = buildScanFindings({ report: scanReport(), failed: [tracked(0, { severity: 'Critical' })], fixed: [], target });

    expect(finding!.Severity).toEqual({ Label: 'CRITICAL', Original: 'Critical' });
    expect(finding!.FindingProviderFields).toEqual({ Severity: finding!.Severity, Types: finding!.Types });
    expect(finding!.Types).toEqual([
      'Software and Configuration Checks/Industry and Regulatory Standards/Cloud Security Best Practices',
      'Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations 1.4',
    ]);
  });

  it('imports into the account the finding belongs to, under its own default product', () => {
    const report = scanReport({ awsAccountId: '444455556666' });

    const [finding] = buildScanFindings({ report, failed: [tracked(0)], fixed: [], target });

    expect(finding!.AwsAccountId).toBe('444455556666');
    expect(finding!.ProductArn).toBe('arn:aws:securityhub:eu-west-1:444455556666:product/444455556666/default');
  });

  it('keeps a fixed asset that also fails now FAILED only', () => {
    const findings = buildScanFindings({ report: scanReport(), failed: [tracked(0)], fixed: [tracked(0)], target });

    expect(findings.map((finding) => finding.Compliance.Status)).toEqual(['FAILED']);
  });

  it('stays within every ASFF limit for huge values', () => {
    const long = 'x'.repeat(5000);
    const report = scanReport({ zcspmAccountName: long });

    const [finding] = buildScanFindings({
      report,
      failed: [tracked(0, { resourceId: `arn:aws:s3:::${long}`, resourceName: long, shortTitle: long, policyId: long, categoryName: long, resourceType: long })],
      fixed: [],
      target,
    });

    expect(asffProblems(finding)).toEqual([]);
    expect(finding!.Id.length).toBeLessThanOrEqual(ASFF_LIMITS.idChars);
    expect(finding!.Resources[0]!.Type).toBe('Other');
  });
});

describe('findingId', () => {
  it('hashes resource ids that would make the Id too long, and keeps distinct resources distinct', () => {
    const a = findingId('acct', 'policy', `arn:aws:s3:::${'a'.repeat(600)}`);
    const b = findingId('acct', 'policy', `arn:aws:s3:::${'a'.repeat(599)}b`);

    expect(a).toMatch(/^zcspm\/acct\/policy\/sha256:[0-9a-f]{64}$/);
    expect(a).not.toBe(b);
  });
});

describe('asffResourceType', () => {
  it.each([
    ['AWS::S3::Bucket', 'AwsS3Bucket'],
    ['AWS::EC2::SecurityGroup', 'AwsEc2SecurityGroup'],
    ['S3Bucket', 'AwsS3Bucket'],
    ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AwsElbv2LoadBalancer'],
    ['AWS::DynamoDB::Table', 'AwsDynamoDbTable'],
    ['AWS::EKS::Cluster', 'AwsEksCluster'],
    ['*', 'Other'],
    ['AWS::Glue::Job', 'Other'],
  ])('maps %s to %s', (zcspm, asff) => {
    expect(asffResourceType(zcspm)).toBe(asff);
  });
});

describe('asffSeverity', () => {
  it.each([
    ['Critical', 'CRITICAL'],
    ['High', 'HIGH'],
    ['Moderate', 'MEDIUM'],
    ['Low', 'LOW'],
    ['VeryLow', 'INFORMATIONAL'],
    ['Unknown', 'MEDIUM'],
  ])('maps the ZCSPM impact %s to %s', (impact, label) => {
    expect(asffSeverity(impact)).toBe(label);
  });
});

describe('asffProblems', () => {
  it('names missing required fields and broken limits', () => {
    const [finding] = buildScanFindings({ report: scanReport(), failed: [tracked(0)], fixed: [], target });
    const { Title: _title, ...withoutTitle } = finding!;

    expect(asffProblems(withoutTitle)).toEqual([expect.stringMatching(/^Title:/)]);
    expect(asffProblems({ ...finding, Resources: [] })).toEqual([expect.stringMatching(/^Resources:/)]);
    expect(asffProblems({ ...finding, AwsAccountId: '999999999999' })).toEqual([expect.stringMatching(/^ProductArn:/)]);
    expect(asffProblems({ ...finding, Description: 'd'.repeat(1025) })).toEqual([expect.stringMatching(/^Description:/)]);
  });
});
