import { randomUUID } from 'node:crypto';
import { FailureReportSchema, ScanReportSchema } from '../../../lambdas/notify/results.js';
import { TRANSITIONS_OUTSIDE_POLLING, TRANSITIONS_PER_POLL } from '../../../bench/polling.js';
import { ScanPipelineHarness } from '../../../local/sandbox/scan-harness.js';
import { stackEvent, stackInstanceEvent, withScanTimeout } from '../../helpers/scan/fakes.js';

/** One AWS account per scenario, so scenarios never share a scan window. */
const ACCOUNTS = {
  single: '100000000001',
  ignored: '100000000002',
  duplicate: '100000000003',
  burst: '100000000004',
  followUp: '100000000005',
  failed: '100000000006',
  never: '100000000007',
  stackSetTarget: '100000000008',
  unmapped: '100000000009',
} as const;

let harness: ScanPipelineHarness;

beforeAll(async () => {
  harness = await ScanPipelineHarness.start({
    awsAccounts: Object.values(ACCOUNTS).filter((account) => account !== ACCOUNTS.unmapped),
    dynamoEndpoint: process.env.DYNAMODB_ENDPOINT,
    // Scans last about 120 ms here; a scan still running after 2 s has timed out.
    scanSettings: withScanTimeout(2),
  });
});

afterAll(async () => {
  await harness.close();
});

afterEach(() => {
  harness.hooks.before = undefined;
});

const event = (account: string, overrides: Parameters<typeof stackEvent>[0] = {}) =>
  stackEvent({ account, region: 'eu-west-1', stackUuid: randomUUID(), token: `token-${randomUUID()}`, ...overrides });

const rescans = (awsAccountId: string) =>
  harness.simulator.calls.filter((call) => call.path.endsWith('/rescan') && call.path.includes(harness.mappings[awsAccountId] as string)).length;

const outcomesOf = async (awsAccountId: string) => (await harness.scanOutcomes()).filter((outcome) => outcome.awsAccountId === awsAccountId);

const executionsOf = (awsAccountId: string) => harness.executions().filter((execution) => execution.name.startsWith(harness.mappings[awsAccountId] as string));

describe('PostDeployScan (synthesized state machine, real handlers, simulator, DynamoDB Local)', () => {
  it('scans once after a CREATE_COMPLETE: one rescan, polled to Success, a report and one message per channel', async () => {
    const delivered = await harness.deliver(event(ACCOUNTS.single, { stackName: 'payments-api' }));
    await harness.idle();

    const [outcome, ...others] = await outcomesOf(ACCOUNTS.single);
    expect(delivered).toMatchObject({ delivered: true, result: { outcome: 'opened', executionStarted: true } });
    expect(others).toEqual([]);
    expect(rescans(ACCOUNTS.single)).toBe(1);
    expect(outcome).toMatchObject({ status: 'Success', isFollowUp: false, zcspmAccountId: harness.mappings[ACCOUNTS.single], region: 'eu-west-1' });
    expect(outcome?.deployments).toEqual([expect.objectContaining({ stackName: 'payments-api', status: 'CREATE_COMPLETE' })]);
    expect(ScanReportSchema.parse(outcome?.report)).toMatchObject({ jobStatus: 'Success', posture: { compliancePercent: expect.any(Number) } });
    expect(outcome?.notifications.map((notification) => notification.channel).sort()).toEqual(['eventbridge', 'slack', 'sns']);
    expect(executionsOf(ACCOUNTS.single).map((execution) => execution.status)).toEqual(['SUCCEEDED']);
  });

  it('costs the transitions the polling benchmark counts: 7 outside the poll loop, 3 per status check', () => {
    const [execution] = executionsOf(ACCOUNTS.single);
    const pollStates = ['WaitForScan', 'GetScanStatus', 'ScanStatus?'];
    const checks = harness.runner.taskRuns.filter((run) => run.executionName === execution?.name && run.stateName === 'GetScanStatus').length;

    const outside = execution?.states.filter((state) => !pollStates.includes(state)) ?? [];
    const inside = execution?.states.filter((state) => pollStates.includes(state)) ?? [];

    expect(outside).toHaveLength(TRANSITIONS_OUTSIDE_POLLING);
    expect(inside).toHaveLength(TRANSITIONS_PER_POLL * checks);
  });

  it.each(['DELETE_COMPLETE', 'DELETE_IN_PROGRESS', 'UPDATE_IN_PROGRESS', 'CREATE_IN_PROGRESS', 'ROLLBACK_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'])(
    'starts no scan for %s: the rule does not match, and ScanRequest ignores it too',
    async (status) => {
      const ignoredEvent = event(ACCOUNTS.ignored, { status });

      const delivered = await harness.deliver(ignoredEvent);
      const direct = await harness.runner.invoke(harness.runner.functionLogicalId('PostDeployScan/ScanRequest'), ignoredEvent);

      expect(delivered).toEqual({ delivered: false, reason: expect.stringContaining(status) });
      expect(direct).toEqual({ outcome: 'ignored', reason: expect.stringContaining(`stack status ${status} is not a trigger status`) });
      expect(executionsOf(ACCOUNTS.ignored)).toEqual([]);
      expect(rescans(ACCOUNTS.ignored)).toBe(0);
    },
  );

  it('scans once when the same event is delivered three times', async () => {
    const once = event(ACCOUNTS.duplicate);

    const deliveries = [await harness.deliver(once), await harness.deliver(once), await harness.deliver(once)];
    await harness.idle();

    expect(deliveries.map((delivery) => delivery.delivered && delivery.result.outcome)).toEqual(['opened', 'duplicate', 'duplicate']);
    expect(rescans(ACCOUNTS.duplicate)).toBe(1);
    expect(await outcomesOf(ACCOUNTS.duplicate)).toHaveLength(1);
    expect(executionsOf(ACCOUNTS.duplicate)).toHaveLength(1);
  });

  it('coalesces 20 deployments to one account inside the debounce window into one scan', async () => {
    let release: () => void = () => undefined;
    const allDelivered = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The debounce window stays open until every delivery has been recorded.
    harness.hooks.before = async (task) => {
      if (task.stateName === 'InitiateScan') await allDelivered;
    };
    const events = Array.from({ length: 20 }, (_, index) => event(ACCOUNTS.burst, { stackName: `service-${index}` }));

    const deliveries = await Promise.all(events.map((burstEvent) => harness.deliver(burstEvent)));
    release();
    await harness.idle();

    const outcomes = await outcomesOf(ACCOUNTS.burst);
    expect(deliveries.filter((delivery) => delivery.delivered && delivery.result.outcome === 'opened')).toHaveLength(1);
    expect(deliveries.filter((delivery) => delivery.delivered && delivery.result.outcome === 'joined')).toHaveLength(19);
    expect(rescans(ACCOUNTS.burst)).toBe(1);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.deployments).toHaveLength(20);
  });

  it('covers deployments that land during a running scan with exactly one follow-up scan', async () => {
    let landed = false;
    harness.hooks.before = async (task) => {
      if (task.stateName !== 'GetScanStatus' || landed) return;
      landed = true;
      await harness.deliver(event(ACCOUNTS.followUp, { stackName: 'late-a' }));
      await harness.deliver(event(ACCOUNTS.followUp, { stackName: 'late-b' }));
    };

    await harness.deliver(event(ACCOUNTS.followUp, { stackName: 'first' }));
    await harness.idle();

    const outcomes = await outcomesOf(ACCOUNTS.followUp);
    expect(landed).toBe(true);
    expect(rescans(ACCOUNTS.followUp)).toBe(2);
    expect(outcomes.map((outcome) => [outcome.isFollowUp, outcome.deployments.map((deployment) => deployment.stackName).sort()])).toEqual([
      [false, ['first']],
      [true, ['late-a', 'late-b']],
    ]);
    expect(executionsOf(ACCOUNTS.followUp).map((execution) => execution.status)).toEqual(['SUCCEEDED']);
  });

  it('notifies a failure when the scan ends Failed', async () => {
    harness.simulator.zcspm.setNextScan(harness.mappings[ACCOUNTS.failed] as string, { outcome: 'failed' });

    await harness.deliver(event(ACCOUNTS.failed));
    await harness.idle();

    const [outcome] = await outcomesOf(ACCOUNTS.failed);
    const sns = outcome?.notifications.find((notification) => notification.channel === 'sns')?.payload as { Subject: string };
    expect(outcome).toMatchObject({ status: 'Failed', failure: { reason: 'ScanFailed' }, posture: null });
    expect(outcome?.notifications.map((notification) => notification.channel).sort()).toEqual(['eventbridge', 'slack', 'sns']);
    expect(sns.Subject).toBeTruthy();
    expect(executionsOf(ACCOUNTS.failed).map((execution) => [execution.status, execution.error?.Error])).toEqual([['FAILED', 'ScanNotCompleted']]);
  });

  it('notifies a timeout when the scan never finishes', async () => {
    harness.simulator.zcspm.setNextScan(harness.mappings[ACCOUNTS.never] as string, { outcome: 'never' });

    await harness.deliver(event(ACCOUNTS.never));
    await harness.idle();

    const [outcome] = await outcomesOf(ACCOUNTS.never);
    expect(outcome).toMatchObject({ status: 'TimedOut', failure: { reason: 'Timeout' }, jobId: expect.any(String) });
    expect(outcome?.notifications.length).toBeGreaterThan(0);
    expect(executionsOf(ACCOUNTS.never).map((execution) => execution.status)).toEqual(['FAILED']);
  });

  it('notifies an unmapped account and scans nothing', async () => {
    const noticesBefore = harness.requestNotifications().length;
    const executionsBefore = harness.executions().length;
    const rescansBefore = harness.simulator.calls.filter((call) => call.path.endsWith('/rescan')).length;

    const delivered = await harness.deliver(event(ACCOUNTS.unmapped, { stackName: 'shadow-it' }));
    await harness.idle();

    const notices = harness.requestNotifications().slice(noticesBefore);
    const sns = notices.find((notice) => notice.channel === 'sns')?.payload as { Message: string };
    const eventBridge = notices.find((notice) => notice.channel === 'eventbridge')?.payload as { DetailType: string; Detail: string };
    expect(delivered).toMatchObject({ delivered: true, result: { outcome: 'unmapped', awsAccountId: ACCOUNTS.unmapped } });
    expect(notices.map((notice) => notice.channel).sort()).toEqual(['eventbridge', 'slack', 'sns']);
    expect(sns.Message).toContain(ACCOUNTS.unmapped);
    expect(eventBridge.DetailType).toBe('ScanFailed');
    expect(FailureReportSchema.parse(JSON.parse(eventBridge.Detail))).toMatchObject({ reason: 'UnmappedAccount', awsAccountId: ACCOUNTS.unmapped });
    expect(harness.executions()).toHaveLength(executionsBefore);
    expect(harness.simulator.calls.filter((call) => call.path.endsWith('/rescan'))).toHaveLength(rescansBefore);
  });

  it('scans the target account of a SUCCEEDED StackSet instance', async () => {
    const instance = stackInstanceEvent({ targetAccount: ACCOUNTS.stackSetTarget, targetRegion: 'ap-southeast-2', adminAccount: ACCOUNTS.single });

    const delivered = await harness.deliver(instance);
    await harness.idle();

    const [outcome] = await outcomesOf(ACCOUNTS.stackSetTarget);
    expect(delivered).toMatchObject({ delivered: true, result: { outcome: 'opened', zcspmAccountId: harness.mappings[ACCOUNTS.stackSetTarget] } });
    expect(outcome).toMatchObject({ status: 'Success', zcspmAccountId: harness.mappings[ACCOUNTS.stackSetTarget], region: 'ap-southeast-2' });
    expect(rescans(ACCOUNTS.stackSetTarget)).toBe(1);
  });
});
