import type { Deployment, FailedAsset } from '../../../../lambdas/notify/results.js';
import { ScanReportSchema } from '../../../../lambdas/notify/results.js';
import {
  buildScanReport,
  computeDelta,
  normalizeFailedAsset,
  rankFailures,
  severityRank,
  stackMatcher,
  toPosture,
  type ReportInput,
} from '../../../../lambdas/scan/domain/report.js';
import type { RememberedFailure } from '../../../../lambdas/scan/adapters/scan-history-store.js';

const failure = (policyId: string, resourceId: string, overrides: Partial<RememberedFailure> = {}): RememberedFailure => ({
  policyId,
  resourceId,
  resourceName: resourceId.split(/[:/]/).pop() ?? resourceId,
  resourceType: 'AWS::S3::Bucket',
  severity: 'High',
  shortTitle: `${policyId} title`,
  ...overrides,
});

const stack = { stackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/app/1', stackName: 'app', awsAccountId: '111122223333', region: 'eu-west-1' };

describe('toPosture', () => {
  it('computes the compliance percent the ZCSPM way when it is absent (Gray left out)', () => {
    const posture = toPosture({ total: 225, green: 56, red: 158, amber: 11, gray: 654 });

    expect(posture.compliancePercent).toBe(24.89);
    expect(posture.total).toBe(879);
  });

  it('keeps a given percent and fills missing counts with zero', () => {
    expect(toPosture({ green: 1, compliancePercent: 100 })).toEqual({ total: 1, green: 1, red: 0, amber: 0, gray: 0, compliancePercent: 100 });
    expect(toPosture(null)).toEqual({ total: 0, green: 0, red: 0, amber: 0, gray: 0, compliancePercent: 0 });
  });
});

describe('normalizeFailedAsset', () => {
  it('maps the ZCSPM fields and drops assets without policy or resource', () => {
    const asset = normalizeFailedAsset({ resourceId: 'arn:aws:s3:::logs', resourceName: 'logs', policyId: 'S3Encryption', impact: 'Critical', resourceRegion: 'eu-west-1' });

    expect(asset).toEqual({
      policyId: 'S3Encryption',
      resourceId: 'arn:aws:s3:::logs',
      resourceName: 'logs',
      resourceType: 'unknown',
      severity: 'Critical',
      shortTitle: 'S3Encryption',
      region: 'eu-west-1',
    });
    expect(normalizeFailedAsset({ resourceId: 'x' })).toBeUndefined();
    expect(normalizeFailedAsset({ policyId: 'p', resourceId: '  ' })).toBeUndefined();
  });
});

describe('severityRank', () => {
  it('orders Critical before High before Moderate/Medium before Low before VeryLow before unknown', () => {
    const ranks = ['Critical', 'High', 'Moderate', 'Medium', 'Low', 'VeryLow', 'Other'].map(severityRank);

    expect(ranks).toEqual([0, 1, 2, 2, 3, 4, 6]);
  });
});

describe('stackMatcher', () => {
  const match = stackMatcher([
    {
      stack,
      resources: [
        { logicalId: 'Logs', physicalId: 'app-logs-bucket', resourceType: 'AWS::S3::Bucket' },
        { logicalId: 'Sg', physicalId: 'sg-0123456789abcdef0', resourceType: 'AWS::EC2::SecurityGroup' },
        { logicalId: 'Topic', physicalId: 'arn:aws:sns:eu-west-1:111122223333:alerts', resourceType: 'AWS::SNS::Topic' },
        { logicalId: 'Queue', physicalId: 'https://sqs.eu-west-1.amazonaws.com/111122223333/jobs', resourceType: 'AWS::SQS::Queue' },
        { logicalId: 'Role', physicalId: 'app-role', resourceType: 'AWS::IAM::Role' },
        { logicalId: 'Tiny', physicalId: 'ab', resourceType: 'AWS::X::Y' },
      ],
    },
  ]);

  it.each([
    ['an S3 ARN', 'arn:aws:s3:::app-logs-bucket'],
    ['an EC2 ARN ending in the physical id', 'arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0123456789abcdef0'],
    ['the same ARN', 'arn:aws:sns:eu-west-1:111122223333:alerts'],
    ['an SQS ARN against a queue URL', 'arn:aws:sqs:eu-west-1:111122223333:jobs'],
    ['an IAM role ARN with a path', 'arn:aws:iam::111122223333:role/service/app-role'],
    ['a bare physical id', 'sg-0123456789abcdef0'],
  ])('matches %s', (_label, resourceId) => {
    expect(match(failure('P', resourceId))).toBe('app');
  });

  it('does not match another account, another region, or a too short id', () => {
    expect(match(failure('P', 'arn:aws:iam::999988887777:role/app-role'))).toBeUndefined();
    expect(match(failure('P', 'arn:aws:ec2:us-east-1:111122223333:security-group/sg-0123456789abcdef0'))).toBeUndefined();
    expect(match(failure('P', 'ab', { resourceName: 'ab' }))).toBeUndefined();
    expect(match(failure('P', 'arn:aws:s3:::someone-elses-bucket'))).toBeUndefined();
  });
});

describe('computeDelta', () => {
  const asFailed = (value: RememberedFailure): FailedAsset => ({ ...value, fromDeployment: false });

  it('lists new failures and fixed ones by policy and resource', () => {
    const previous = [failure('A', 'r1'), failure('B', 'r1'), failure('A', 'r2')];
    const current = [failure('A', 'r1'), failure('A', 'r3'), failure('C', 'r1')].map(asFailed);

    const delta = computeDelta(current, { jobId: 'job-1', compliancePercent: 50, failures: previous, truncated: false }, 47.5, { limit: 10, currentTruncated: false });

    expect(delta.previousJobId).toBe('job-1');
    expect(delta.newFailures.map((entry) => `${entry.policyId}/${entry.resourceId}`)).toEqual(['A/r3', 'C/r1']);
    expect(delta.fixed.map((entry) => `${entry.policyId}/${entry.resourceId}`)).toEqual(['A/r2', 'B/r1']);
    expect(delta).toMatchObject({ newFailureCount: 2, fixedCount: 2, unchangedFailureCount: 1, compliancePercentChange: -2.5 });
  });

  it('has no comparison on the first scan', () => {
    const delta = computeDelta([asFailed(failure('A', 'r1'))], undefined, 50, { limit: 10, currentTruncated: false });

    expect(delta).toEqual({ previousJobId: null, newFailureCount: 0, fixedCount: 0, unchangedFailureCount: 1, compliancePercentChange: null, newFailures: [], fixed: [] });
  });

  it('caps the lists but keeps exact counts, and claims no fixes from a truncated list', () => {
    const previous = Array.from({ length: 30 }, (_, index) => failure('OLD', `r${index}`));
    const current = Array.from({ length: 30 }, (_, index) => asFailed(failure('NEW', `r${index}`)));

    const capped = computeDelta(current, { jobId: 'j', compliancePercent: 1, failures: previous, truncated: false }, 1, { limit: 5, currentTruncated: false });
    const truncated = computeDelta(current, { jobId: 'j', compliancePercent: 1, failures: previous, truncated: false }, 1, { limit: 5, currentTruncated: true });

    expect(capped.newFailures).toHaveLength(5);
    expect(capped.newFailureCount).toBe(30);
    expect(capped.fixedCount).toBe(30);
    expect(truncated.fixedCount).toBe(0);
  });
});

describe('rankFailures', () => {
  it('puts the deployment first, then new findings, then severity', () => {
    const ranked = rankFailures(
      [
        { ...failure('low-new', 'r1', { severity: 'Low' }), fromDeployment: false },
        { ...failure('crit-old', 'r2', { severity: 'Critical' }), fromDeployment: false },
        { ...failure('low-deploy', 'r3', { severity: 'Low' }), fromDeployment: true },
      ],
      (entry) => entry.policyId.endsWith('new'),
    );

    expect(ranked.map((entry) => entry.policyId)).toEqual(['low-deploy', 'low-new', 'crit-old']);
  });
});

describe('buildScanReport', () => {
  const deployment: Deployment = {
    awsAccountId: '111122223333',
    region: 'eu-west-1',
    stackId: stack.stackId,
    stackName: 'app',
    status: 'UPDATE_COMPLETE',
    deploymentKey: 'token-1',
    time: '2024-05-02T12:00:00Z',
  };
  const input = (overrides: Partial<ReportInput> = {}): ReportInput => ({
    zcspmAccountId: '6f1e5c7a-0b44-4a43-9e0c-3a1b2c3d4e5f',
    zcspmAccountName: 'Production',
    awsAccountId: '111122223333',
    region: 'eu-west-1',
    jobId: 'job-2',
    jobStatus: 'Success',
    deployments: [deployment],
    benchmarks: [
      { benchmarkId: 'CSBP', benchmarkName: 'Cloud Security Best Practices', posture: toPosture({ green: 8, red: 2 }) },
      { benchmarkId: 'CIS', posture: toPosture({ green: 1, red: 1 }) },
    ],
    failures: [failure('S3Encryption', 'arn:aws:s3:::app-logs-bucket', { severity: 'Low' }), failure('RootMfa', 'root', { severity: 'Critical' })],
    truncated: false,
    previous: { jobId: 'job-1', compliancePercent: 70, failures: [failure('RootMfa', 'root')], truncated: false },
    stacks: [{ stack, resources: [{ logicalId: 'Logs', physicalId: 'app-logs-bucket', resourceType: 'AWS::S3::Bucket' }] }],
    startedAt: '2024-05-02T12:01:00Z',
    completedAt: '2024-05-02T12:11:30Z',
    isFollowUp: false,
    links: { execution: 'https://console.example/exec' },
    topFailures: 25,
    deltaListLimit: 50,
    ...overrides,
  });

  it('produces a valid ScanReport with posture, delta and the deployment own failures first', () => {
    const report = buildScanReport(input());

    expect(ScanReportSchema.parse(report)).toEqual(report);
    expect(report.posture.compliancePercent).toBe(80);
    expect(report.benchmarks.map((benchmark) => benchmark.benchmarkId)).toEqual(['CSBP', 'CIS']);
    expect(report.topFailures[0]).toMatchObject({ policyId: 'S3Encryption', fromDeployment: true, stackName: 'app' });
    expect(report.deploymentFailureCount).toBe(1);
    expect(report.delta).toMatchObject({ previousJobId: 'job-1', newFailureCount: 1, fixedCount: 0, compliancePercentChange: 10 });
    expect(report.durationSeconds).toBe(630);
  });

  it('caps the top failures list', () => {
    const failures = Array.from({ length: 40 }, (_, index) => failure('P', `r-${index}`));

    const report = buildScanReport(input({ failures, topFailures: 5 }));

    expect(report.topFailures).toHaveLength(5);
    expect(report.failedAssetCount).toBe(40);
  });
});
