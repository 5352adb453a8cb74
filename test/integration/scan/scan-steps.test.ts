import { randomUUID } from 'node:crypto';
import { ScanReportSchema } from '../../../lambdas/notify/results.js';
import { checkScan } from '../../../lambdas/scan/steps/check-scan.js';
import { collectReport } from '../../../lambdas/scan/steps/collect-report.js';
import { finishWindow } from '../../../lambdas/scan/steps/finish-window.js';
import { initiateScan } from '../../../lambdas/scan/steps/initiate-scan.js';
import { executionInput } from '../../../lambdas/scan/steps/request-scan.js';
import { ScanHistoryStore } from '../../../lambdas/scan/adapters/scan-history-store.js';
import { ScanWindowStore } from '../../../lambdas/scan/adapters/scan-window-store.js';
import { ScanSettingsSchema } from '../../../lambdas/scan/settings.js';
import type { ScanState, WindowState } from '../../../lambdas/scan/domain/workflow-state.js';
import { useTestTable } from '../../helpers/dynamodb.js';
import { FakeStackReader, FakeZcspm, RecordingLog, jobStatus, SCAN_TEST_START } from '../../helpers/scan/fakes.js';
import { manualClock } from '../../helpers/clock.js';

const table = useTestTable('scansteps');

const settings = ScanSettingsSchema.parse({ benchmarks: ['CSBP', 'CIS'], polling: { scanTimeoutSeconds: 3_600 } });

function world() {
  const clock = manualClock(SCAN_TEST_START);
  const windows = new ScanWindowStore({ ...table, clock });
  const history = new ScanHistoryStore({ ...table, clock });
  const zcspm = new FakeZcspm();
  const log = new RecordingLog();
  const zcspmAccountId = randomUUID();
  const stackId = `arn:aws:cloudformation:eu-west-1:111122223333:stack/app/${randomUUID()}`;
  const stacks = new FakeStackReader({ [stackId]: [{ logicalId: 'Logs', physicalId: 'app-logs', resourceType: 'AWS::S3::Bucket' }] });
  return { clock, windows, history, zcspm, log, zcspmAccountId, stackId, stacks };
}

async function openWindow(w: ReturnType<typeof world>, stackName = 'app', stackId = w.stackId): Promise<WindowState> {
  const recorded = await w.windows.recordDeployment({
    zcspmAccountId: w.zcspmAccountId,
    deployment: {
      awsAccountId: '111122223333',
      region: 'eu-west-1',
      stackId,
      stackName,
      status: 'UPDATE_COMPLETE',
      deploymentKey: randomUUID(),
      time: '2024-05-02T12:00:00Z',
    },
    debounceSeconds: 60,
  });
  return executionInput(recorded.window as NonNullable<typeof recorded.window>, settings).window;
}

describe('initiateScan', () => {
  it('starts one scan and reuses its job when retried', async () => {
    const w = world();
    const window = await openWindow(w);

    const first = await initiateScan(window, { ...w, settings });
    const retried = await initiateScan(window, { ...w, settings });

    expect(first).toMatchObject({ jobId: 'job-1', outcome: 'running', checks: 0, waitSeconds: 120, plan: { expectedSeconds: null } });
    expect(retried.jobId).toBe('job-1');
    expect(w.zcspm.calls.filter((call) => call.startsWith('rescan'))).toHaveLength(1);
  });

  it('plans the first check from the account history', async () => {
    const w = world();
    for (const [index, duration] of [600, 620, 580].entries()) {
      await w.history.recordRun(w.zcspmAccountId, { jobId: `old-${index}`, startedAt: 's', completedAt: `2024-05-0${index + 1}T00:00:00Z`, durationSeconds: duration, compliancePercent: 1, failedAssetCount: 0, truncated: false }, []);
    }
    const window = await openWindow(w);

    const scan = await initiateScan(window, { ...w, settings });

    expect(scan.plan.expectedSeconds).toBe(600);
    expect(scan.waitSeconds).toBeLessThan(600);
    expect(scan.waitSeconds).toBeGreaterThan(540);
  });

  it('refuses to scan a window that is no longer open', async () => {
    const w = world();
    const window = await openWindow(w);

    const promise = initiateScan({ ...window, windowId: 'w1-gone' }, { ...w, settings });

    await expect(promise).rejects.toThrow(/no longer open/);
  });
});

describe('the scan steps together', () => {
  it('polls to success, reports the delta and the deployment own failures, then remembers the scan', async () => {
    const w = world();
    w.zcspm.assets.set('CSBP', [
      { policyId: 'S3Encryption', resourceId: 'arn:aws:s3:::app-logs', resourceName: 'app-logs', impact: 'High' },
      { policyId: 'RootMfa', resourceId: 'root', resourceName: 'root', impact: 'Critical' },
    ]);
    w.zcspm.assets.set('CIS', [{ policyId: 'RootMfa', resourceId: 'root', resourceName: 'root', impact: 'Critical' }]);
    await w.history.recordRun(
      w.zcspmAccountId,
      { jobId: 'old', startedAt: 's', completedAt: '2024-05-01T00:00:00Z', durationSeconds: 300, compliancePercent: 60, failedAssetCount: 1, truncated: false },
      [{ policyId: 'RootMfa', resourceId: 'root', resourceName: 'root', resourceType: 'x', severity: 'Critical', shortTitle: 't' }, { policyId: 'Old', resourceId: 'gone', resourceName: 'gone', resourceType: 'x', severity: 'Low', shortTitle: 't' }],
    );
    const window = await openWindow(w);
    w.zcspm.statuses = [jobStatus.running(), jobStatus.success()];

    let scan: ScanState = await initiateScan(window, { ...w, settings });
    w.clock.advance(scan.waitSeconds * 1000);
    scan = await checkScan(window, scan, { ...w, settings });
    w.clock.advance(scan.waitSeconds * 1000);
    scan = await checkScan(window, scan, { ...w, settings });
    const report = await collectReport(window, scan, { ...w, settings, executionId: 'arn:aws:states:eu-west-1:111122223333:execution:PostDeployScan:x' });

    expect(scan.outcome).toBe('succeeded');
    expect(ScanReportSchema.parse(report)).toEqual(report);
    expect(report).toMatchObject({
      jobId: 'job-1',
      failedAssetCount: 2,
      deploymentFailureCount: 1,
      delta: { previousJobId: 'old', newFailureCount: 1, fixedCount: 1, compliancePercentChange: -10 },
      deployments: [{ stackName: 'app' }],
    });
    expect(report.topFailures[0]).toMatchObject({ policyId: 'S3Encryption', stackName: 'app', fromDeployment: true });
    expect(report.benchmarks.map((benchmark) => benchmark.benchmarkId)).toEqual(['CSBP', 'CIS']);
    expect(w.zcspm.calls).toContain(`summary ${w.zcspmAccountId} CIS job-1`);
    expect(report.links.execution).toMatch(/^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/states/);
    // Checked at 120 s (running) and 150 s (done): remembered as the middle, 135 s.
    expect(await w.history.recentDurations(w.zcspmAccountId, 5)).toEqual([135, 300]);
  });

  it('runs exactly one follow-up for deployments that landed during the scan', async () => {
    const w = world();
    const window = await openWindow(w);
    await initiateScan(window, { ...w, settings });
    await openWindow(w, 'late-1', `${w.stackId}-1`);
    await openWindow(w, 'late-2', `${w.stackId}-2`);

    const finished = await finishWindow(window, { ...w, settings });
    const followUp = finished.window as WindowState;
    await initiateScan(followUp, { ...w, settings });
    const after = await finishWindow(followUp, { ...w, settings });

    expect(finished).toMatchObject({ followUp: true, window: { isFollowUp: true, seq: 2 } });
    expect((await w.windows.deployments(followUp)).map((entry) => entry.stackName).sort()).toEqual(['late-1', 'late-2']);
    expect(after).toEqual({ followUp: false });
    expect(w.zcspm.calls.filter((call) => call.startsWith('rescan'))).toHaveLength(2);
  });
});
