import type { Deployment } from '../../../../lambdas/notify/results.js';
import { ScanWindowStore } from '../../../../lambdas/scan/adapters/scan-window-store.js';
import { deploymentId, executionNameFor } from '../../../../lambdas/scan/domain/window-policy.js';
import { useTestTable } from '../../../helpers/dynamodb.js';
import { manualClock } from '../../../helpers/clock.js';
import { SCAN_TEST_START } from '../../../helpers/scan/fakes.js';

const ACCOUNT = '6f1e5c7a-0b44-4a43-9e0c-3a1b2c3d4e5f';
const table = useTestTable('scanwin');
let counter = 0;

/** Each test uses its own ZCSPM account (and stack ids) so tests never share a window or a dedupe record. */
function account(): string {
  counter++;
  return `${ACCOUNT.slice(0, -4)}${String(counter).padStart(4, '0')}`;
}

function deployment(stackName: string, token = `token-${stackName}`): Deployment {
  return {
    awsAccountId: '111122223333',
    region: 'eu-west-1',
    stackId: `arn:aws:cloudformation:eu-west-1:111122223333:stack/${stackName}/${counter}`,
    stackName,
    status: 'UPDATE_COMPLETE',
    deploymentKey: token,
    time: '2024-05-02T12:00:00Z',
  };
}

function store(clock = manualClock(SCAN_TEST_START)): ScanWindowStore {
  return new ScanWindowStore({ ...table, clock, staleGraceSeconds: 600 });
}

describe('ScanWindowStore', () => {
  describe('recordDeployment', () => {
    it('opens a window for the first deployment, named after the account and window', async () => {
      const zcspmAccountId = account();
      const windows = store();

      const outcome = await windows.recordDeployment({ zcspmAccountId, deployment: deployment('app'), debounceSeconds: 60 });

      expect(outcome.outcome).toBe('opened');
      expect(outcome.window).toMatchObject({ phase: 'debouncing', seq: 1, deploymentCount: 1, followUp: false });
      expect(outcome.window?.executionName).toBe(executionNameFor(zcspmAccountId, outcome.window?.windowId as string));
    });

    it('records the same deployment delivered three times once', async () => {
      const zcspmAccountId = account();
      const windows = store();
      const request = { zcspmAccountId, deployment: deployment('app'), debounceSeconds: 60 };

      const outcomes = [await windows.recordDeployment(request), await windows.recordDeployment(request), await windows.recordDeployment(request)];

      expect(outcomes.map((outcome) => outcome.outcome)).toEqual(['opened', 'duplicate', 'duplicate']);
      expect(await windows.deployments({ zcspmAccountId, seq: 1 })).toHaveLength(1);
      expect((await windows.get(zcspmAccountId))?.deploymentCount).toBe(1);
    });

    it('asks to restart the execution only for a duplicate of the deployment that opened a still-debouncing window', async () => {
      const zcspmAccountId = account();
      const windows = store();
      const opener = { zcspmAccountId, deployment: deployment('first'), debounceSeconds: 60 };
      const joiner = { zcspmAccountId, deployment: deployment('second'), debounceSeconds: 60 };
      await windows.recordDeployment(opener);
      await windows.recordDeployment(joiner);

      const openerAgain = await windows.recordDeployment(opener);
      const joinerAgain = await windows.recordDeployment(joiner);

      expect(openerAgain).toMatchObject({ outcome: 'duplicate', restartExecution: true });
      expect(joinerAgain).toMatchObject({ outcome: 'duplicate', restartExecution: false });
    });

    it('lets 20 concurrent deployments join one window, exactly one of them opening it', async () => {
      const zcspmAccountId = account();
      const containers = Array.from({ length: 5 }, () => store());

      const outcomes = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          (containers[index % 5] as ScanWindowStore).recordDeployment({ zcspmAccountId, deployment: deployment(`stack-${index}`), debounceSeconds: 60 }),
        ),
      );

      expect(outcomes.filter((outcome) => outcome.outcome === 'opened')).toHaveLength(1);
      expect(outcomes.filter((outcome) => outcome.outcome === 'joined')).toHaveLength(19);
      expect(await store().deployments({ zcspmAccountId, seq: 1 })).toHaveLength(20);
      expect((await store().get(zcspmAccountId))?.deploymentCount).toBe(20);
    });

    it('sets deployments that land during a scan aside for one follow-up', async () => {
      const zcspmAccountId = account();
      const windows = store();
      const opened = await windows.recordDeployment({ zcspmAccountId, deployment: deployment('app'), debounceSeconds: 60 });
      const ref = { zcspmAccountId, windowId: opened.window?.windowId as string, seq: 1 };
      await windows.beginScan(ref, 3_600);

      const late = await Promise.all(
        ['late-1', 'late-2', 'late-3'].map((name) => windows.recordDeployment({ zcspmAccountId, deployment: deployment(name), debounceSeconds: 60 })),
      );

      expect(late.map((outcome) => outcome.outcome)).toEqual(['follow-up', 'follow-up', 'follow-up']);
      expect(await windows.deployments({ zcspmAccountId, seq: 1 })).toHaveLength(1);
      expect((await windows.deployments({ zcspmAccountId, seq: 2 })).map((entry) => entry.stackName).sort()).toEqual(['late-1', 'late-2', 'late-3']);
      expect(await windows.get(zcspmAccountId)).toMatchObject({ followUp: true, pendingCount: 3, phase: 'scanning' });
    });

    it('takes over a window whose execution died, adopting its unscanned deployments', async () => {
      const zcspmAccountId = account();
      const clock = manualClock(SCAN_TEST_START);
      const windows = store(clock);
      const first = await windows.recordDeployment({ zcspmAccountId, deployment: deployment('orphan'), debounceSeconds: 60 });
      clock.advance((60 + 600 + 1) * 1000);

      const next = await windows.recordDeployment({ zcspmAccountId, deployment: deployment('later'), debounceSeconds: 60 });

      expect(next.outcome).toBe('opened');
      expect(next.window?.windowId).not.toBe(first.window?.windowId);
      expect(next.window?.seq).toBe(1);
      expect(await windows.deployments({ zcspmAccountId, seq: 1 })).toHaveLength(2);
      expect(await windows.beginScan({ zcspmAccountId, windowId: first.window?.windowId as string, seq: 1 }, 3_600)).toMatchObject({ ok: false });
    });
  });

  describe('beginScan and setJob', () => {
    it('is idempotent and keeps the first job', async () => {
      const zcspmAccountId = account();
      const windows = store();
      const opened = await windows.recordDeployment({ zcspmAccountId, deployment: deployment('app'), debounceSeconds: 60 });
      const ref = { zcspmAccountId, windowId: opened.window?.windowId as string, seq: 1 };

      const begun = await windows.beginScan(ref, 3_600);
      const firstJob = await windows.setJob(ref, 'job-1', 1);
      const secondJob = await windows.setJob(ref, 'job-2', 2);
      const again = await windows.beginScan(ref, 3_600);

      expect(begun).toMatchObject({ ok: true, window: { phase: 'scanning' } });
      expect([firstJob, secondJob]).toEqual([true, false]);
      expect(again).toMatchObject({ ok: true, window: { jobId: 'job-1', scanStartedAt: 1 } });
    });
  });

  describe('finishScan', () => {
    it('closes a window without late deployments, and the next deployment opens a new one', async () => {
      const zcspmAccountId = account();
      const windows = store();
      const opened = await windows.recordDeployment({ zcspmAccountId, deployment: deployment('app'), debounceSeconds: 60 });
      const ref = { zcspmAccountId, windowId: opened.window?.windowId as string, seq: 1 };
      await windows.beginScan(ref, 3_600);

      const finished = await windows.finishScan(ref, 60);
      const next = await windows.recordDeployment({ zcspmAccountId, deployment: deployment('next'), debounceSeconds: 60 });

      expect(finished).toEqual({ followUp: false, superseded: false });
      expect(next).toMatchObject({ outcome: 'opened', window: { seq: 2 } });
    });

    it('moves on to the late deployments exactly once, also when retried', async () => {
      const zcspmAccountId = account();
      const windows = store();
      const opened = await windows.recordDeployment({ zcspmAccountId, deployment: deployment('app'), debounceSeconds: 60 });
      const ref = { zcspmAccountId, windowId: opened.window?.windowId as string, seq: 1 };
      await windows.beginScan(ref, 3_600);
      await windows.recordDeployment({ zcspmAccountId, deployment: deployment('late'), debounceSeconds: 60 });

      const finished = await windows.finishScan(ref, 60);
      const retried = await windows.finishScan(ref, 60);

      expect(finished.followUp).toBe(true);
      expect(retried).toEqual(finished);
      const next = finished.followUp ? finished.next : undefined;
      expect(next?.seq).toBe(2);
      expect(await windows.get(zcspmAccountId)).toMatchObject({ phase: 'debouncing', seq: 2, followUp: false, deploymentCount: 1, chain: 1 });
      expect((await windows.deployments({ zcspmAccountId, seq: 2 })).map((entry) => entry.stackName)).toEqual(['late']);
    });

    it('lets deployments during the follow-up debounce join it', async () => {
      const zcspmAccountId = account();
      const windows = store();
      const opened = await windows.recordDeployment({ zcspmAccountId, deployment: deployment('app'), debounceSeconds: 60 });
      const ref = { zcspmAccountId, windowId: opened.window?.windowId as string, seq: 1 };
      await windows.beginScan(ref, 3_600);
      await windows.recordDeployment({ zcspmAccountId, deployment: deployment('late'), debounceSeconds: 60 });
      await windows.finishScan(ref, 60);

      const joined = await windows.recordDeployment({ zcspmAccountId, deployment: deployment('later'), debounceSeconds: 60 });

      expect(joined.outcome).toBe('joined');
      expect(await windows.deployments({ zcspmAccountId, seq: 2 })).toHaveLength(2);
    });
  });

  describe('recordUnmapped and isRecorded', () => {
    it('remembers an unmapped deployment once', async () => {
      const windows = store();
      const unmapped = deployment(`unmapped-${account()}`);

      const before = await windows.isRecorded(unmapped);
      const first = await windows.recordUnmapped(unmapped);
      const second = await windows.recordUnmapped(unmapped);

      expect([before, first, second, await windows.isRecorded(unmapped)]).toEqual([false, true, false, true]);
    });
  });
});

describe('deploymentId', () => {
  it('is stable per stack, operation and status', () => {
    expect(deploymentId(deployment('a'))).toBe(deploymentId(deployment('a')));
    expect(deploymentId(deployment('a'))).not.toBe(deploymentId(deployment('a', 'other-token')));
    expect(deploymentId(deployment('a'))).toMatch(/^[0-9a-f]{32}$/);
  });
});
