import { readFileSync } from 'node:fs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { createNotifiers } from '../../../lambdas/notify/create-notifiers.js';
import { DynamoDeliveryLedger } from '../../../lambdas/notify/delivery-ledger.js';
import { createNotificationRouter } from '../../../lambdas/notify/router.js';
import { parseNotificationSettings, type NotificationSettingsInput } from '../../../lambdas/notify/settings.js';
import { silentLog } from '../../../lambdas/core/ports.js';
import { notifyExecutionFailure, type ExecutionFailureSettings } from '../../../lambdas/operations/execution-failure.js';
import { createTestTable, deleteTestTable, localDynamoClient } from '../../helpers/dynamodb.js';

const sns = mockClient(SNSClient);
const eventBridge = mockClient(EventBridgeClient);

const FAILED = readFileSync(new URL('../../unit/operations/fixtures/execution-failed.json', import.meta.url), 'utf8');
const TIMED_OUT = readFileSync(new URL('../../unit/operations/fixtures/execution-timed-out.json', import.meta.url), 'utf8');
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:111122223333:zsa-notifications';
const SETTINGS: ExecutionFailureSettings = {
  pipelines: {
    'arn:aws:states:eu-west-1:111122223333:stateMachine:PostDeployScan': 'scan',
    'arn:aws:states:eu-west-1:111122223333:stateMachine:AlertDiagnostics': 'diagnostics',
  },
  notifiedErrors: ['ScanNotCompleted', 'DiagnosticsFailed'],
};
const BOTH_CHANNELS: NotificationSettingsInput = { sns: { topicArn: TOPIC_ARN }, eventBridge: { eventBusName: 'zsa-results' }, log: { enabled: false } };

/** A FAILED execution event with `detail` fields replaced (a new execution ARN per test keeps the ledger apart). */
function failedEvent(executionName: string, detail: Record<string, unknown> = {}): Record<string, unknown> {
  const event = JSON.parse(FAILED) as { detail: Record<string, unknown> };
  const executionArn = `arn:aws:states:eu-west-1:111122223333:execution:AlertDiagnostics:${executionName}`;
  return { ...event, resources: [executionArn], detail: { ...event.detail, executionArn, name: executionName, ...detail } };
}

function lambdaContext(): Context {
  const endsAt = Date.now() + 60_000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'ExecutionFailure',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:111122223333:function:ExecutionFailure',
    memoryLimitInMB: '256',
    awsRequestId: 'request-1',
    logGroupName: '/aws/lambda/ExecutionFailure',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => endsAt - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

describe('notifyExecutionFailure', () => {
  let dynamo: DynamoDBClient;
  let tableName: string;

  beforeAll(async () => {
    dynamo = localDynamoClient();
    tableName = await createTestTable(dynamo, 'execution-failure');
  });
  afterAll(async () => {
    await deleteTestTable(dynamo, tableName);
    dynamo.destroy();
  });
  beforeEach(() => {
    sns.reset();
    eventBridge.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'event-1' }] });
  });

  function router(settingsInput: NotificationSettingsInput) {
    const settings = parseNotificationSettings(JSON.stringify(settingsInput));
    const notifiers = createNotifiers(settings, {
      ledger: new DynamoDeliveryLedger({ dynamo, tableName }),
      log: silentLog,
      sns: new SNSClient({ region: 'eu-west-1' }),
      eventBridge: new EventBridgeClient({ region: 'eu-west-1' }),
    });
    return createNotificationRouter(settings, { notifiers, log: silentLog });
  }

  describe('with the delivery ledger on DynamoDB Local', () => {
    it('notifies an execution once however often its status change is delivered', async () => {
      const delivery = router(BOTH_CHANNELS);
      const event = failedEvent('alert-redelivered');

      const first = await notifyExecutionFailure(event, { delivery: async () => delivery, settings: SETTINGS, log: silentLog });
      const second = await notifyExecutionFailure(event, { delivery: async () => delivery, settings: SETTINGS, log: silentLog });
      const third = await notifyExecutionFailure(event, { delivery: async () => delivery, settings: SETTINGS, log: silentLog });

      expect([first.outcome, second.outcome, third.outcome]).toEqual(['notified', 'notified', 'notified']);
      expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
      expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
      const published = sns.commandCalls(PublishCommand)[0]!.args[0].input;
      expect(published.TopicArn).toBe(TOPIC_ARN);
      expect(published.Subject).toContain('FAILED');
      expect(published.Message).toContain('alert-redelivered');
    });

    it('sends only to the channels the workflow NotifyFailure step did not reach (same idempotency key)', async () => {
      const event = failedEvent('alert-partly-notified', { error: 'NotificationFailed', cause: 'The failure of these diagnostics could not be notified' });
      const executionArn = (event.detail as { executionArn: string }).executionArn;
      const workflowFailureReport = {
        kind: 'failure' as const,
        pipeline: 'diagnostics' as const,
        reason: 'ServerError',
        message: 'The diagnostics of alert 7310092844 failed: ZDX answered 503',
        deployments: [],
        occurredAt: '2025-11-23T09:10:00.000Z',
        links: {},
      };
      await router({ sns: { topicArn: TOPIC_ARN }, log: { enabled: false } }).deliver(workflowFailureReport, { idempotencyKey: executionArn });

      const outcome = await notifyExecutionFailure(event, { delivery: async () => router(BOTH_CHANNELS), settings: SETTINGS, log: silentLog });

      expect(outcome).toMatchObject({ outcome: 'notified', channels: ['sns', 'eventbridge'] });
      expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
      expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(1);
    });
  });
});

describe('handler (execution-failure)', () => {
  const saved = { ...process.env };
  let dynamo: DynamoDBClient;
  let tableName: string;
  let handler: (event: unknown, context: Context) => Promise<unknown>;

  beforeAll(async () => {
    dynamo = localDynamoClient();
    tableName = await createTestTable(dynamo, 'execution-failure-handler');
    // No AWS_REGION: with it the handler's DynamoDB Local client would use another region's tables.
    delete process.env.AWS_REGION;
    Object.assign(process.env, {
      TABLE_NAME: tableName,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      NOTIFICATION_SETTINGS: JSON.stringify(BOTH_CHANNELS),
      EXECUTION_FAILURE_SETTINGS: JSON.stringify(SETTINGS),
    });
    ({ handler } = (await import('../../../lambdas/operations/handlers/execution-failure.js')) as unknown as { handler: typeof handler });
  });
  afterAll(async () => {
    process.env = saved;
    await deleteTestTable(dynamo, tableName);
    dynamo.destroy();
  });
  beforeEach(() => {
    sns.reset();
    eventBridge.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'message-1' });
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'event-1' }] });
  });

  it('notifies a timed-out execution through SNS and EventBridge once, even when the event comes twice', async () => {
    const event: unknown = JSON.parse(TIMED_OUT);

    const first = await handler(event, lambdaContext());
    const second = await handler(event, lambdaContext());

    expect(first).toEqual({
      outcome: 'notified',
      executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:PostDeployScan:scan-4f1c2d3e-w1',
      reason: 'TIMED_OUT',
      channels: ['sns', 'eventbridge'],
    });
    expect(second).toEqual(first);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    const attributes = sns.commandCalls(PublishCommand)[0]!.args[0].input.MessageAttributes;
    expect(attributes?.kind?.StringValue).toBe('failure');
    const entries = eventBridge.commandCalls(PutEventsCommand).map((call) => call.args[0].input.Entries?.[0]);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ EventBusName: 'zsa-results' });
    expect(JSON.parse(entries[0]!.Detail!)).toMatchObject({ pipeline: 'scan', reason: 'TIMED_OUT', awsAccountId: '444455556666' });
  });

  it('sends nothing for an execution whose workflow already notified its failure', async () => {
    const event = failedEvent('alert-already-notified', { error: 'DiagnosticsFailed', cause: 'The diagnostics did not complete; the failure was notified' });

    const outcome = await handler(event, lambdaContext());

    expect(outcome).toMatchObject({ outcome: 'skipped' });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('rejects an event that is not an execution status change, naming the field', async () => {
    const event = { id: 'x', 'detail-type': 'Scheduled Event', source: 'aws.events', detail: {} };

    const invoke = handler(event, lambdaContext());

    await expect(invoke).rejects.toMatchObject({ name: 'InvalidInputError', message: expect.stringContaining('detail-type') });
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
  });
});
