import type { StackRef } from '../../../../lambdas/scan/ports.js';
import { trackFailures, withoutLineage } from '../../../../lambdas/scan/domain/finding-lineage.js';
import { ScanHistoryFindings } from '../../../../lambdas/scan/steps/scan-findings.js';
import type { RememberedFailure, ScanRun, TrackedFailure } from '../../../../lambdas/scan/adapters/scan-history-store.js';
import { deployment, scanReport } from '../../../fixtures/reports/factories.js';

function failure(resourceId: string, policyId = 'S3BucketEncryption'): RememberedFailure {
  return { policyId, resourceId, resourceName: resourceId, resourceType: 'AWS::S3::Bucket', severity: 'High', shortTitle: 'Encrypt buckets' };
}

const stack: StackRef = { stackId: deployment(0).stackId, stackName: 'teststack', awsAccountId: '111122223333', region: 'us-west-1' };
const ownedByStack = (owned: string) => (candidate: RememberedFailure) => (candidate.resourceId === owned ? stack : undefined);

describe('trackFailures', () => {
  it('marks every failure of a first scan as first seen now, and names the deployment for the stack\'s own', () => {
    const deployments = [deployment(0, { time: '2025-11-22T08:00:00Z' }), deployment(0, { time: '2025-11-22T08:30:00Z', deploymentKey: 'token-late' })];

    const tracked = trackFailures([failure('bucket-a'), failure('bucket-b')], undefined, { seenAt: '2025-11-22T09:00:00Z', ownerOf: ownedByStack('bucket-b'), deployments });

    expect(tracked).toEqual([
      { ...failure('bucket-a'), firstSeenAt: '2025-11-22T09:00:00Z' },
      { ...failure('bucket-b'), firstSeenAt: '2025-11-22T09:00:00Z', introducedBy: { stackName: 'teststack', stackId: stack.stackId, time: '2025-11-22T08:30:00Z' } },
    ]);
  });

  it('carries the first sighting and the introducing deployment of a failure the previous scan had', () => {
    const introducedBy = { stackName: 'older', stackId: 'arn:aws:cloudformation:us-west-1:111122223333:stack/older/1', time: '2025-11-01T00:00:00Z' };
    const previous: TrackedFailure[] = [{ ...failure('bucket-a'), firstSeenAt: '2025-11-01T01:00:00Z', introducedBy }];

    const [tracked] = trackFailures([failure('bucket-a')], previous, { seenAt: '2025-11-22T09:00:00Z', ownerOf: ownedByStack('bucket-a'), deployments: [deployment(0)] });

    expect(tracked).toEqual({ ...failure('bucket-a'), firstSeenAt: '2025-11-01T01:00:00Z', introducedBy });
  });

  it('gives the report the failures without lineage', () => {
    expect(withoutLineage({ ...failure('bucket-a'), firstSeenAt: 'x', introducedBy: { stackName: 's', stackId: 'i', time: 't' } })).toEqual(failure('bucket-a'));
  });
});

describe('ScanHistoryFindings', () => {
  const run = (jobId: string, truncated = false): ScanRun => ({
    jobId,
    startedAt: '2025-11-22T08:00:00Z',
    completedAt: '2025-11-22T09:00:00Z',
    durationSeconds: 60,
    compliancePercent: 80,
    failedAssetCount: 1,
    truncated,
  });

  describe('findingsOf', () => {
    it('lists every failure of the scan and every failure of the scan before it that is gone', async () => {
      const source = new ScanHistoryFindings({
        runWithPrevious: async () => ({ run: run('job-2'), failures: [failure('kept')], previous: { run: run('job-1'), failures: [failure('kept'), failure('gone')] } }),
      });

      const { failed, fixed } = await source.findingsOf(scanReport({ jobId: 'job-2' }));

      expect(failed).toEqual([failure('kept')]);
      expect(fixed).toEqual([failure('gone')]);
    });

    it('claims no fixes when the scan\'s list was truncated', async () => {
      const source = new ScanHistoryFindings({
        runWithPrevious: async () => ({ run: run('job-2', true), failures: [failure('kept')], previous: { run: run('job-1'), failures: [failure('gone')] } }),
      });

      expect((await source.findingsOf(scanReport({ jobId: 'job-2' }))).fixed).toEqual([]);
    });

    it('names the scan that is missing from the history', async () => {
      const source = new ScanHistoryFindings({ runWithPrevious: async () => undefined });

      await expect(source.findingsOf(scanReport({ jobId: 'job-9' }))).rejects.toThrow(/scan job-9 of ZCSPM account .* is not in the scan history/);
    });
  });
});
