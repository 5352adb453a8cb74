import { FailureReportSchema } from '../../../../lambdas/notify/results.js';
import { buildFailureReport } from '../../../../lambdas/scan/steps/failure-report.js';
import { ScanSettingsSchema } from '../../../../lambdas/scan/settings.js';
import type { WindowState } from '../../../../lambdas/scan/domain/workflow-state.js';
import { RecordingLog, SCAN_TEST_START } from '../../../helpers/scan/fakes.js';
import { manualClock } from '../../../helpers/clock.js';

const window: WindowState = {
  zcspmAccountId: '6f1e5c7a-0b44-4a43-9e0c-3a1b2c3d4e5f',
  windowId: 'w1-abc',
  seq: 1,
  awsAccountId: '111122223333',
  region: 'eu-west-1',
  debounceSeconds: 60,
  isFollowUp: false,
};
const executionId = 'arn:aws:states:eu-west-1:111122223333:execution:PostDeployScan:6f1e5c7a-w1-abc';
const deps = (deployments: () => Promise<never[]> = async () => []) => ({
  windows: { deployments },
  settings: ScanSettingsSchema.parse({ polling: { scanTimeoutSeconds: 3_600 } }),
  log: new RecordingLog(),
  clock: manualClock(SCAN_TEST_START),
});

describe('buildFailureReport', () => {
  it('reports a Failed scan with its job', async () => {
    const input = { window, executionId, scan: { jobId: 'job-1', jobStatus: 'Failed' }, failure: { reason: 'ScanFailed' } };

    const report = await buildFailureReport(input, deps());

    expect(FailureReportSchema.parse(report)).toEqual(report);
    expect(report).toMatchObject({ reason: 'ScanFailed', jobId: 'job-1', zcspmAccountId: window.zcspmAccountId, awsAccountId: '111122223333' });
    expect(report.message).toBe(`The compliance scan of ZCSPM account ${window.zcspmAccountId} (AWS account 111122223333) ended Failed (job job-1).`);
    expect(report.links.execution).toContain(encodeURIComponent(executionId));
  });

  it('reports the scan deadline in minutes', async () => {
    const input = { window, scan: { jobId: 'job-1', jobStatus: 'Running' }, failure: { reason: 'Timeout' } };

    const report = await buildFailureReport(input, deps());

    expect(report.reason).toBe('Timeout');
    expect(report.message).toMatch(/did not finish within 60 minutes \(job job-1, last status Running\)/);
  });

  it('reads the error message out of a Lambda Cause and names the error', async () => {
    const cause = JSON.stringify({ errorType: 'AuthenticationError', errorMessage: 'POST /authorize/license/{id}/token answered 401', trace: [] });
    const input = { window, error: { Error: 'AuthenticationError', Cause: cause } };

    const report = await buildFailureReport(input, deps());

    expect(report.reason).toBe('AuthenticationError');
    expect(report.error).toEqual({ name: 'AuthenticationError', message: 'POST /authorize/license/{id}/token answered 401' });
  });

  it('still reports when the deployments cannot be read', async () => {
    const input = { window, error: { Error: 'States.Timeout', Cause: 'x'.repeat(1_000) } };

    const report = await buildFailureReport(input, deps(async () => Promise.reject(new Error('dynamodb down'))));

    expect(report.reason).toBe('Timeout');
    expect(report.deployments).toEqual([]);
    expect(report.error?.message.length).toBeLessThanOrEqual(301);
  });
});
