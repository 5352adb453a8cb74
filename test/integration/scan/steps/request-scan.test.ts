import { randomUUID } from 'node:crypto';
import { FailureReportSchema } from '../../../../lambdas/notify/results.js';
import { requestScan, type RequestScanDeps } from '../../../../lambdas/scan/steps/request-scan.js';
import { ScanWindowStore } from '../../../../lambdas/scan/adapters/scan-window-store.js';
import { ScanSettingsSchema } from '../../../../lambdas/scan/settings.js';
import { ScanExecutionInputSchema } from '../../../../lambdas/scan/domain/workflow-state.js';
import { useTestTable } from '../../../helpers/dynamodb.js';
import { RecordingExecutions, RecordingLog, RecordingDelivery, stackEvent, stackInstanceEvent } from '../../../helpers/scan/fakes.js';

const MAPPED = '111122223333';
const TARGET = '444455556666';
const table = useTestTable('scanreq');

function setup() {
  const zcspm = { [MAPPED]: randomUUID(), [TARGET]: randomUUID() };
  const executions = new RecordingExecutions();
  const notifier = new RecordingDelivery('log');
  const log = new RecordingLog();
  const deps: RequestScanDeps = {
    settings: ScanSettingsSchema.parse({ debounceSeconds: 45 }),
    mappings: zcspm,
    windows: new ScanWindowStore(table),
    executions,
    notifications: () => notifier,
    log,
  };
  return { deps, executions, notifier, log, zcspm };
}

describe('requestScan', () => {
  it('starts one execution for a CREATE_COMPLETE with the window as input', async () => {
    const { deps, executions, zcspm } = setup();
    const event = stackEvent({ account: MAPPED, stackUuid: randomUUID() });

    const result = await requestScan(event, deps);

    expect(result).toMatchObject({ outcome: 'opened', zcspmAccountId: zcspm[MAPPED], executionStarted: true });
    expect(executions.started).toHaveLength(1);
    const input = ScanExecutionInputSchema.parse(executions.started[0]?.input);
    expect(input.window).toMatchObject({ zcspmAccountId: zcspm[MAPPED], awsAccountId: MAPPED, region: 'us-west-1', seq: 1, debounceSeconds: 45, isFollowUp: false });
  });

  it('starts nothing for the same event delivered three times', async () => {
    const { deps, executions } = setup();
    const event = stackEvent({ account: MAPPED, stackUuid: randomUUID() });

    const results = [await requestScan(event, deps), await requestScan(event, deps), await requestScan(event, deps)];

    expect(results.map((result) => result.outcome)).toEqual(['opened', 'duplicate', 'duplicate']);
    expect(executions.started).toHaveLength(1);
  });

  it('re-issues StartExecution (idempotent by name) when the opening delivery is seen again', async () => {
    const { deps, executions } = setup();
    const event = stackEvent({ account: MAPPED, stackUuid: randomUUID() });
    await requestScan(event, deps);

    await requestScan(event, deps);

    expect(executions.attempts).toHaveLength(2);
    expect(new Set(executions.attempts).size).toBe(1);
  });

  it('joins 20 deployments inside the debounce window into one execution', async () => {
    const { deps, executions } = setup();
    const events = Array.from({ length: 20 }, (_, index) => stackEvent({ account: MAPPED, stackName: `svc-${index}`, stackUuid: randomUUID() }));

    const results = await Promise.all(events.map((event) => requestScan(event, deps)));

    expect(executions.started).toHaveLength(1);
    expect(results.filter((result) => result.outcome === 'joined')).toHaveLength(19);
  });

  it.each(['DELETE_COMPLETE', 'UPDATE_IN_PROGRESS', 'ROLLBACK_COMPLETE'])('ignores %s and logs why', async (status) => {
    const { deps, executions, log } = setup();

    const result = await requestScan(stackEvent({ account: MAPPED, status }), deps);

    expect(result).toEqual({ outcome: 'ignored', reason: expect.stringContaining(status) });
    expect(executions.attempts).toEqual([]);
    expect(log.lines.at(-1)).toMatchObject({ message: 'deployment ignored', extra: { reason: expect.stringContaining(status) } });
  });

  it('ignores input that is not an event with the reason', async () => {
    const { deps } = setup();

    const result = await requestScan({ hello: 'world' }, deps);

    expect(result).toEqual({ outcome: 'ignored', reason: expect.stringMatching(/^not an EventBridge event/) });
  });

  it('scans the target account of a SUCCEEDED StackSet instance', async () => {
    const { deps, executions, zcspm } = setup();

    const result = await requestScan(stackInstanceEvent({ targetAccount: TARGET, time: new Date().toISOString() }), deps);

    expect(result).toMatchObject({ outcome: 'opened', zcspmAccountId: zcspm[TARGET] });
    expect(ScanExecutionInputSchema.parse(executions.started[0]?.input).window).toMatchObject({ awsAccountId: TARGET, region: 'eu-west-1' });
  });

  it('notifies an unmapped account once and scans nothing', async () => {
    const { deps, executions, notifier } = setup();
    const event = stackEvent({ account: '999988887777', stackUuid: randomUUID() });

    const first = await requestScan(event, deps);
    const again = await requestScan(event, deps);

    expect(first).toMatchObject({ outcome: 'unmapped', duplicate: false, notifications: [{ channel: 'log' }] });
    expect(again).toMatchObject({ outcome: 'unmapped', duplicate: true, notifications: [] });
    expect(executions.attempts).toEqual([]);
    expect(notifier.results).toHaveLength(1);
    expect(FailureReportSchema.parse(notifier.results[0])).toMatchObject({ reason: 'UnmappedAccount', awsAccountId: '999988887777' });
  });

  it('delivers the unmapped notice on redelivery when a channel failed the first time', async () => {
    const { deps, notifier } = setup();
    notifier.failuresLeft = 1;
    const event = stackEvent({ account: '999988887777', stackUuid: randomUUID() });

    await expect(requestScan(event, deps)).rejects.toThrow('log is down');
    const retried = await requestScan(event, deps);

    expect(retried).toMatchObject({ outcome: 'unmapped', duplicate: false });
    expect(notifier.results).toHaveLength(1);
  });
});
