import { randomUUID } from 'node:crypto';
import { FailureReportSchema } from '../../../../lambdas/notify/results.js';
import { notifyScan, NotifyInputSchema, type NotifyScanDeps } from '../../../../lambdas/scan/steps/notify-scan.js';
import { executionInput } from '../../../../lambdas/scan/steps/request-scan.js';
import { ScanWindowStore } from '../../../../lambdas/scan/adapters/scan-window-store.js';
import { ScanSettingsSchema } from '../../../../lambdas/scan/settings.js';
import type { WindowState } from '../../../../lambdas/scan/domain/workflow-state.js';
import { useTestTable } from '../../../helpers/dynamodb.js';
import { RecordingDelivery, RecordingLog } from '../../../helpers/scan/fakes.js';

const table = useTestTable('scannotify');

const settings = ScanSettingsSchema.parse({});
const deployment = (stackName: string) => ({
  awsAccountId: '111122223333',
  region: 'eu-west-1',
  stackId: `arn:aws:cloudformation:eu-west-1:111122223333:stack/${stackName}/${randomUUID()}`,
  stackName,
  status: 'UPDATE_COMPLETE',
  deploymentKey: randomUUID(),
  time: '2024-05-02T12:00:00Z',
});

async function scanningWindow(windows: ScanWindowStore): Promise<WindowState> {
  const zcspmAccountId = randomUUID();
  const opened = await windows.recordDeployment({ zcspmAccountId, deployment: deployment('app'), debounceSeconds: 60 });
  const window = executionInput(opened.window as NonNullable<typeof opened.window>, settings).window;
  await windows.beginScan(window, 3_600);
  return window;
}

function deps(delivery: RecordingDelivery, windows: ScanWindowStore): NotifyScanDeps {
  return { delivery: async () => delivery, windows, settings, log: new RecordingLog() };
}

describe('notifyScan', () => {
  it('delivers a failure report with the window deployments and closes the window', async () => {
    const windows = new ScanWindowStore(table);
    const delivery = new RecordingDelivery();
    const window = await scanningWindow(windows);
    const input = NotifyInputSchema.parse({ mode: 'failure', state: { window, scan: { jobId: 'job-1', jobStatus: 'Failed' }, failure: { reason: 'ScanFailed' } } });

    const output = await notifyScan(input, deps(delivery, windows));

    expect(output).toEqual({ followUp: false, window, channels: ['log'], outcome: 'ScanFailed' });
    expect(FailureReportSchema.parse(delivery.results[0])).toMatchObject({ reason: 'ScanFailed', jobId: 'job-1', deployments: [{ stackName: 'app' }] });
    expect((await windows.get(window.zcspmAccountId))?.phase).toBe('idle');
  });

  it('moves the window on to its follow-up even when delivery fails, and a retry delivers once', async () => {
    const windows = new ScanWindowStore(table);
    const delivery = new RecordingDelivery();
    delivery.failuresLeft = 1;
    const window = await scanningWindow(windows);
    await windows.recordDeployment({ zcspmAccountId: window.zcspmAccountId, deployment: deployment('late'), debounceSeconds: 60 });
    const input = NotifyInputSchema.parse({ mode: 'failure', state: { window, error: { Error: 'ServerError', Cause: 'GET /x answered 503' } } });

    await expect(notifyScan(input, deps(delivery, windows))).rejects.toThrow('log is down');
    const moved = await windows.get(window.zcspmAccountId);
    const retried = await notifyScan(input, deps(delivery, windows));

    expect(moved).toMatchObject({ phase: 'debouncing', seq: 2 });
    expect(retried).toMatchObject({ followUp: true, window: { seq: 2, windowId: moved?.windowId, isFollowUp: true } });
    expect(delivery.results).toHaveLength(1);
  });
});
