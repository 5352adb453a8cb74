import { readFileSync } from 'node:fs';
import { ConfigError, InvalidInputError } from '../../../lambdas/core/errors.js';
import type { DeliverOptions } from '../../../lambdas/notify/router.js';
import { clearRegisteredSecrets, registerSecret } from '../../../lambdas/core/observability/redaction.js';
import { silentLog } from '../../../lambdas/core/ports.js';
import { FailureReportSchema, type PipelineResult, type SentNotification } from '../../../lambdas/notify/results.js';
import {
  decideExecutionFailure,
  notifyExecutionFailure,
  parseExecutionFailureSettings,
  parseExecutionStatusChange,
  type ExecutionFailureSettings,
  type ExecutionStatusChange,
} from '../../../lambdas/operations/execution-failure.js';

const TIMED_OUT = readFileSync(new URL('./fixtures/execution-timed-out.json', import.meta.url), 'utf8');
const FAILED = readFileSync(new URL('./fixtures/execution-failed.json', import.meta.url), 'utf8');
const SCAN_SM = 'arn:aws:states:eu-west-1:111122223333:stateMachine:PostDeployScan';
const DIAGNOSTICS_SM = 'arn:aws:states:eu-west-1:111122223333:stateMachine:AlertDiagnostics';
const SETTINGS: ExecutionFailureSettings = {
  pipelines: { [SCAN_SM]: 'scan', [DIAGNOSTICS_SM]: 'diagnostics' },
  notifiedErrors: ['ScanNotCompleted', 'DiagnosticsFailed'],
};
const clock = { now: () => Date.parse('2025-11-23T10:00:00Z') };

/** A parsed fixture with `detail` fields replaced. */
function change(fixture: string, detail: Partial<ExecutionStatusChange['detail']> = {}): ExecutionStatusChange {
  const event = JSON.parse(fixture) as ExecutionStatusChange;
  return parseExecutionStatusChange({ ...event, detail: { ...event.detail, ...detail } });
}

function notifyDecision(event: ExecutionStatusChange) {
  const decision = decideExecutionFailure(event, SETTINGS, clock);
  if (decision.action !== 'notify') throw new Error(`expected a notification, got: ${decision.reason}`);
  return decision;
}

/** A delivery that records what it was given and answers like a router with one SNS channel. */
function recordingDelivery() {
  const calls: Array<{ result: PipelineResult; options: DeliverOptions }> = [];
  const delivery = {
    async deliver(result: PipelineResult, options: DeliverOptions): Promise<SentNotification[]> {
      calls.push({ result, options });
      return [{ channel: 'sns', payload: {} }];
    },
  };
  return { calls, delivery: async () => delivery };
}

describe('parseExecutionStatusChange', () => {
  it('accepts the execution status change that EventBridge delivers', () => {
    const event: unknown = JSON.parse(TIMED_OUT);

    const parsed = parseExecutionStatusChange(event);

    expect(parsed.detail).toMatchObject({ status: 'TIMED_OUT', name: 'scan-4f1c2d3e-w1', error: null, cause: null });
  });

  it('rejects another event and names the fields that are wrong', () => {
    const event = { ...(JSON.parse(TIMED_OUT) as object), 'detail-type': 'CloudFormation Stack Status Change', detail: { executionArn: 'nope' } };

    const parse = () => parseExecutionStatusChange(event);

    expect(parse).toThrow(InvalidInputError);
    expect(parse).toThrow(/detail-type: .*Step Functions Execution Status Change.*detail\.executionArn: expected a Step Functions execution ARN/);
  });
});

describe('parseExecutionFailureSettings', () => {
  it('parses the settings the construct writes', () => {
    const json = JSON.stringify(SETTINGS);

    const settings = parseExecutionFailureSettings(json);

    expect(settings).toEqual(SETTINGS);
  });

  it('names the variable when it is missing and the key when it is wrong', () => {
    const missing = () => parseExecutionFailureSettings(undefined);
    const wrong = () => parseExecutionFailureSettings(JSON.stringify({ pipelines: { [SCAN_SM]: 'scans' } }));

    expect(missing).toThrow(new ConfigError('EXECUTION_FAILURE_SETTINGS is not set'));
    expect(wrong).toThrow(/EXECUTION_FAILURE_SETTINGS is invalid: pipelines\.arn:aws:states:.*PostDeployScan: /);
  });
});

describe('decideExecutionFailure', () => {
  beforeEach(() => {
    clearRegisteredSecrets();
  });

  it('reports a timed-out scan with its accounts, duration and console link, keyed by the execution ARN', () => {
    const event = change(TIMED_OUT);

    const decision = notifyDecision(event);

    expect(FailureReportSchema.parse(decision.report)).toEqual(decision.report);
    expect(decision.report).toEqual({
      kind: 'failure',
      pipeline: 'scan',
      reason: 'TIMED_OUT',
      message:
        'The post-deploy scan execution "scan-4f1c2d3e-w1" (PostDeployScan) for ZCSPM account 4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f, AWS account 444455556666 timed out after 24 h 0 min. No result was delivered for it.',
      awsAccountId: '444455556666',
      region: 'us-west-1',
      zcspmAccountId: '4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f',
      deployments: [],
      occurredAt: '2025-11-23T08:30:05.000Z',
      links: {
        execution:
          'https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/arn%3Aaws%3Astates%3Aeu-west-1%3A111122223333%3Aexecution%3APostDeployScan%3Ascan-4f1c2d3e-w1',
      },
    });
    expect(decision.idempotencyKey).toBe(event.detail.executionArn);
  });

  it('reports a failed diagnostics run with the error, an excerpt of the cause, the alert and its ZDX link', () => {
    const event = change(FAILED);

    const { report } = notifyDecision(event);

    expect(report).toMatchObject({
      pipeline: 'diagnostics',
      reason: 'FAILED',
      alertId: '7310092844',
      error: { name: 'States.Runtime', message: expect.stringContaining("The JSONPath '$.runs' specified for the field 'runs.$' could not be found") },
      links: { zdx: 'https://admin.zdxcloud.net/zdx/alerts/7310092844', execution: expect.stringContaining('AlertDiagnostics%3Aalert-7310092844') },
    });
    expect(report.message).toMatch(
      /^The alert diagnostics execution "alert-7310092844" \(AlertDiagnostics\) for alert 7310092844 \(Outlook page fetch time\) failed after 6 min: States\.Runtime: An error occurred while executing the state 'Diagnose'/,
    );
  });

  it('says that an aborted execution was stopped and keeps the message of a Lambda error cause', () => {
    const event = change(FAILED, { status: 'ABORTED', error: 'Manual', cause: JSON.stringify({ errorMessage: 'stopped during maintenance', errorType: 'Error' }) });

    const { report } = notifyDecision(event);

    expect(report.reason).toBe('ABORTED');
    expect(report.message).toContain('was stopped after 6 min: Manual: stopped during maintenance.');
  });

  it('reports a failure whose own failure notice could not be sent', () => {
    const event = change(FAILED, { error: 'NotificationFailed', cause: 'The failure of these diagnostics could not be notified' });

    const decision = decideExecutionFailure(event, SETTINGS, clock);

    expect(decision).toMatchObject({ action: 'notify', report: { reason: 'FAILED', error: { name: 'NotificationFailed' } } });
  });

  it('skips a failure that the workflow notified itself before its Fail state', () => {
    const event = change(TIMED_OUT, { status: 'FAILED', error: 'ScanNotCompleted', cause: 'The scan did not complete; the failure was notified' });

    const decision = decideExecutionFailure(event, SETTINGS, clock);

    expect(decision).toEqual({ action: 'skip', reason: 'the workflow notified this failure itself (ended in ScanNotCompleted)' });
  });

  it('skips a status that is not a failure', () => {
    const event = change(TIMED_OUT, { status: 'SUCCEEDED' });

    const decision = decideExecutionFailure(event, SETTINGS, clock);

    expect(decision).toEqual({ action: 'skip', reason: 'status SUCCEEDED is not a failure' });
  });

  it('gives a redriven execution that fails again a key of its own', () => {
    const event = change(FAILED, { redriveCount: 2 });

    const decision = notifyDecision(event);

    expect(decision.idempotencyKey).toBe(`${event.detail.executionArn}#redrive-2`);
  });

  it('refuses a state machine the settings do not map', () => {
    const event = change(TIMED_OUT, { stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:Other' });

    const decide = () => decideExecutionFailure(event, SETTINGS, clock);

    expect(decide).toThrow(ConfigError);
    expect(decide).toThrow(/pipelines has no entry for state machine arn:aws:states:eu-west-1:111122223333:stateMachine:Other/);
  });

  it('still reports when the input is missing or not JSON, and falls back to the event time', () => {
    const event = change(TIMED_OUT, { input: '{"window": ', startDate: null, stopDate: null });

    const { report } = notifyDecision(event);

    expect(report).not.toHaveProperty('awsAccountId');
    expect(report.message).toBe('The post-deploy scan execution "scan-4f1c2d3e-w1" (PostDeployScan) timed out. No result was delivered for it.');
    expect(report.occurredAt).toBe('2025-11-23T08:30:05.000Z');
  });

  it('never lets a secret from the cause into the report, and shortens a long cause', () => {
    const registered = 'zdx-key-secret-value-123';
    registerSecret(registered);
    const cause = [
      `Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.signature key_secret=${registered}`,
      'posting to https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX failed',
      'x'.repeat(1000),
    ].join(' ');
    const event = change(FAILED, { error: 'ConnectionError', cause: JSON.stringify({ errorType: 'ConnectionError', errorMessage: cause }) });

    const { report } = notifyDecision(event);

    const text = JSON.stringify(report);
    expect(text).not.toContain(registered);
    expect(text).not.toContain('eyJhbGciOiJIUzI1NiJ9');
    expect(text).not.toContain('hooks.slack.com');
    expect(text).toContain('[REDACTED]');
    expect(report.error?.message.length).toBeLessThanOrEqual(301);
    expect(report.error?.message.endsWith('…')).toBe(true);
  });
});

describe('notifyExecutionFailure', () => {
  it('delivers the report under the execution ARN and returns the channels used', async () => {
    const { calls, delivery } = recordingDelivery();
    const event: unknown = JSON.parse(FAILED);

    const outcome = await notifyExecutionFailure(event, { delivery, settings: SETTINGS, log: silentLog, clock, call: { deadline: 1_900_000_000_000 } });

    expect(outcome).toEqual({
      outcome: 'notified',
      executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:AlertDiagnostics:alert-7310092844',
      reason: 'FAILED',
      channels: ['sns'],
    });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.options).toEqual({ idempotencyKey: 'arn:aws:states:eu-west-1:111122223333:execution:AlertDiagnostics:alert-7310092844', deadline: 1_900_000_000_000 });
    expect(calls[0]!.result).toMatchObject({ kind: 'failure', pipeline: 'diagnostics' });
  });

  it('delivers nothing for a failure the workflow already notified', async () => {
    const { calls, delivery } = recordingDelivery();
    const event = change(FAILED, { error: 'DiagnosticsFailed' });

    const outcome = await notifyExecutionFailure(event, { delivery, settings: SETTINGS, log: silentLog });

    expect(outcome).toMatchObject({ outcome: 'skipped', reason: expect.stringContaining('DiagnosticsFailed') });
    expect(calls).toHaveLength(0);
  });
});
