import { ScanHistoryStore, type RememberedFailure, type ScanRun } from '../../../../lambdas/scan/adapters/scan-history-store.js';
import { useTestTable } from '../../../helpers/dynamodb.js';
import { manualClock } from '../../../helpers/clock.js';
import { SCAN_TEST_START } from '../../../helpers/scan/fakes.js';

const table = useTestTable('scanhist');

const run = (jobId: string, completedAt: string, durationSeconds: number): ScanRun => ({
  jobId,
  startedAt: '2024-05-01T00:00:00Z',
  completedAt,
  durationSeconds,
  compliancePercent: 50,
  failedAssetCount: 0,
  truncated: false,
});

const failure = (index: number): RememberedFailure => ({
  policyId: `Policy${index % 7}`,
  resourceId: `arn:aws:s3:::bucket-${index}`,
  resourceName: `bucket-${index}`,
  resourceType: 'AWS::S3::Bucket',
  severity: 'High',
  shortTitle: 'Buckets are encrypted',
  ...(index % 2 === 0 ? { categoryName: 'Storage', region: 'eu-west-1' } : {}),
});

describe('ScanHistoryStore', () => {
  describe('recentDurations', () => {
    it('returns the newest durations first, up to the limit', async () => {
      const history = new ScanHistoryStore({ ...table, clock: manualClock(SCAN_TEST_START) });
      await history.recordRun('acc-durations', run('j1', '2024-05-01T10:00:00Z', 600), []);
      await history.recordRun('acc-durations', run('j3', '2024-05-01T12:00:00Z', 800), []);
      await history.recordRun('acc-durations', run('j2', '2024-05-01T11:00:00Z', 700), []);

      const durations = await history.recentDurations('acc-durations', 2);

      expect(durations).toEqual([800, 700]);
    });

    it('ignores runs past their retention even before TTL deletes them', async () => {
      const clock = manualClock(SCAN_TEST_START);
      const history = new ScanHistoryStore({ ...table, clock, retentionDays: 1 });
      await history.recordRun('acc-expired', run('j1', '2024-05-01T10:00:00Z', 600), []);
      clock.advance(2 * 86_400_000);

      const durations = await history.recentDurations('acc-expired', 10);

      expect(durations).toEqual([]);
    });
  });

  describe('previousRun', () => {
    it('round-trips thousands of failures split over several items, skipping the current job', async () => {
      const history = new ScanHistoryStore({ ...table, clock: manualClock(SCAN_TEST_START), partBytes: 20_000 });
      const failures = Array.from({ length: 2_000 }, (_, index) => failure(index));
      await history.recordRun('acc-prev', run('j1', '2024-05-01T10:00:00Z', 600), failures);
      await history.recordRun('acc-prev', run('j2', '2024-05-01T11:00:00Z', 600), [failure(1)]);

      const previous = await history.previousRun('acc-prev', 'j2');

      expect(previous?.run).toEqual(run('j1', '2024-05-01T10:00:00Z', 600));
      expect(previous?.failures).toEqual(failures);
    });

    it('is undefined for an account without history', async () => {
      const history = new ScanHistoryStore(table);

      expect(await history.previousRun('acc-none', 'j1')).toBeUndefined();
    });
  });

  describe('runWithPrevious', () => {
    it('returns a recorded scan and the one before it, with each failure\'s lineage', async () => {
      const history = new ScanHistoryStore({ ...table, clock: manualClock(SCAN_TEST_START) });
      const introducedBy = { stackName: 'payments-api', stackId: 'arn:aws:cloudformation:eu-west-1:111122223333:stack/payments-api/1', time: '2024-05-01T09:55:00Z' };
      const tracked = [{ ...failure(1), firstSeenAt: '2024-05-01T10:00:00Z', introducedBy }, { ...failure(2), firstSeenAt: '2024-05-01T10:00:00Z' }];
      await history.recordRun('acc-lineage', run('j1', '2024-05-01T10:00:00Z', 600), tracked);
      await history.recordRun('acc-lineage', run('j2', '2024-05-01T11:00:00Z', 600), [tracked[0]!, failure(3)]);

      const recorded = await history.runWithPrevious('acc-lineage', 'j2');

      expect(recorded?.run.jobId).toBe('j2');
      expect(recorded?.failures).toEqual([tracked[0], failure(3)]);
      expect(recorded?.previous).toEqual({ run: run('j1', '2024-05-01T10:00:00Z', 600), failures: tracked });
      expect(await history.runWithPrevious('acc-lineage', 'j9')).toBeUndefined();
    });
  });
});
