import { checkScan } from '../../../../lambdas/scan/steps/check-scan.js';
import { ScanSettingsSchema } from '../../../../lambdas/scan/settings.js';
import type { ScanState, WindowState } from '../../../../lambdas/scan/domain/workflow-state.js';
import { FakeZcspm, RecordingLog, jobStatus, SCAN_TEST_START } from '../../../helpers/scan/fakes.js';
import { manualClock } from '../../../helpers/clock.js';

const settings = ScanSettingsSchema.parse({ polling: { scanTimeoutSeconds: 3_600 } });
const window: WindowState = {
  zcspmAccountId: '6f1e5c7a-0b44-4a43-9e0c-3a1b2c3d4e5f',
  windowId: 'w1-abc',
  seq: 1,
  awsAccountId: '111122223333',
  region: 'eu-west-1',
  debounceSeconds: 60,
  isFollowUp: false,
};

function scanStartedAgo(clock: ReturnType<typeof manualClock>, seconds: number): ScanState {
  return {
    jobId: 'job-1',
    startedAt: new Date(clock.now() - seconds * 1000).toISOString(),
    plan: { expectedSeconds: 600, spreadSeconds: 60 },
    waitSeconds: 555,
    checks: 0,
    lastRunningAfterSeconds: null,
    outcome: 'running',
    jobStatus: 'Started',
    detectedAfterSeconds: null,
    checkedAt: null,
    deploymentCount: 1,
  };
}

describe('checkScan', () => {
  it('returns a short next wait while the scan runs', async () => {
    const clock = manualClock(SCAN_TEST_START);
    const zcspm = new FakeZcspm();
    zcspm.statuses = [jobStatus.running()];

    const next = await checkScan(window, scanStartedAgo(clock, 560), { zcspm, settings, log: new RecordingLog(), clock });

    expect(next).toMatchObject({ outcome: 'running', jobStatus: 'Running', checks: 1, lastRunningAfterSeconds: 560, waitSeconds: 30 });
    expect(zcspm.calls).toEqual([`status ${window.zcspmAccountId} job-1`]);
  });

  it.each([
    ['Success', jobStatus.success(), 'succeeded'],
    ['legacy Completed', jobStatus.success('Completed'), 'succeeded'],
    ['Failed', jobStatus.failed(), 'failed'],
  ])('routes %s to %s with the detection time', async (_label, status, outcome) => {
    const clock = manualClock(SCAN_TEST_START);
    const zcspm = new FakeZcspm();
    zcspm.statuses = [status];

    const next = await checkScan(window, scanStartedAgo(clock, 600), { zcspm, settings, log: new RecordingLog(), clock });

    expect(next).toMatchObject({ outcome, detectedAfterSeconds: 600, checkedAt: new Date(clock.now()).toISOString() });
  });

  it('reports a timeout once the scan deadline has passed', async () => {
    const clock = manualClock(SCAN_TEST_START);
    const zcspm = new FakeZcspm();
    zcspm.statuses = [jobStatus.running('Pending')];

    const next = await checkScan(window, scanStartedAgo(clock, 3_600), { zcspm, settings, log: new RecordingLog(), clock });

    expect(next).toMatchObject({ outcome: 'timed_out', jobStatus: 'Pending' });
  });
});
