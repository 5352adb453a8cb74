import { readFileSync } from 'node:fs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgeEventPutter } from '../../../../lambdas/use-cases/operations/eventbridge-event-putter.js';
import { redriveDeadLetters, type DeadLetter, type FunctionInvoker, type QueueReader } from '../../../../lambdas/use-cases/operations/redrive.js';

const eventBridge = mockClient(EventBridgeClient);
const CFN_EVENT = readFileSync(new URL('../../../fixtures/events/cfn-stack-create-complete.json', import.meta.url), 'utf8');
const SCAN_REQUEST_ARN = 'arn:aws:lambda:eu-west-1:111122223333:function:Zsa-ScanRequest-AbC123';
const MANUAL_TRACE_ARN = 'arn:aws:lambda:eu-west-1:111122223333:function:Zsa-ManualTrace-DeF456';
/** A manual diagnostics request as the manual-trigger rule's DLQ keeps it: the event exactly as delivered. */
const MANUAL_REQUEST = JSON.stringify({
  version: '0',
  id: '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a',
  'detail-type': 'DiagnosticsRequested',
  source: 'zsa',
  account: '111122223333',
  time: '2025-11-23T09:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: { deviceId: '83124012', appId: '3', note: 'ünïcödé ✓', nested: { list: [1, 2.5, null, true] } },
});

/** An SQS queue in memory: receive hides nothing, delete removes; records what was deleted. */
class FakeQueue implements QueueReader {
  readonly deleted: string[] = [];
  readonly receiveSizes: number[] = [];
  private readonly messages: DeadLetter[];

  constructor(bodies: readonly string[]) {
    this.messages = bodies.map((body, index) => ({ messageId: `m-${index}`, receiptHandle: `r-${index}`, body }));
  }

  async receive(max: number): Promise<readonly DeadLetter[]> {
    this.receiveSizes.push(max);
    return this.messages.slice(0, max);
  }

  async delete(message: DeadLetter): Promise<void> {
    this.deleted.push(message.messageId);
    this.messages.splice(this.messages.findIndex((m) => m.messageId === message.messageId), 1);
  }

  get remaining(): string[] {
    return this.messages.map((m) => m.messageId);
  }
}

/** Records asynchronous invocations. */
function recordingInvoker(): FunctionInvoker & { calls: Array<{ functionArn: string; payload: string }> } {
  const calls: Array<{ functionArn: string; payload: string }> = [];
  return {
    calls,
    async invokeAsync(functionArn, payload) {
      calls.push({ functionArn, payload });
    },
  };
}

describe('redriveDeadLetters', () => {
  beforeEach(() => {
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'new-id' }] });
  });

  it('puts a dead-lettered custom-source event on the bus again unchanged, then deletes it', async () => {
    const queue = new FakeQueue([MANUAL_REQUEST]);
    const events = new EventBridgeEventPutter(new EventBridgeClient({ region: 'eu-west-1' }));

    const summary = await redriveDeadLetters({ queue, events }, { eventBusName: 'zsa-bus' });

    const original = JSON.parse(MANUAL_REQUEST) as Record<string, unknown>;
    const puts = eventBridge.commandCalls(PutEventsCommand);
    expect(puts).toHaveLength(1);
    expect(puts[0]!.args[0].input.Entries).toEqual([
      {
        Source: 'zsa',
        DetailType: 'DiagnosticsRequested',
        Detail: JSON.stringify(original.detail),
        Resources: [],
        Time: new Date('2025-11-23T09:00:00Z'),
        EventBusName: 'zsa-bus',
      },
    ]);
    expect(JSON.parse(puts[0]!.args[0].input.Entries![0]!.Detail!)).toEqual(original.detail);
    expect(summary).toEqual({ redriven: [{ messageId: 'm-0', path: 'put-events', destination: 'zsa-bus' }], left: [], dryRun: false });
    expect(queue.deleted).toEqual(['m-0']);
  });

  it('hands an AWS-service event to the rule target byte for byte, since PutEvents refuses aws.* sources', async () => {
    const queue = new FakeQueue([CFN_EVENT]);
    const lambda = recordingInvoker();

    const summary = await redriveDeadLetters({ queue, lambda }, { targetFunctionArn: SCAN_REQUEST_ARN });

    expect(lambda.calls).toEqual([{ functionArn: SCAN_REQUEST_ARN, payload: CFN_EVENT }]);
    expect(summary.redriven).toEqual([{ messageId: 'm-0', path: 'invoke-target', destination: SCAN_REQUEST_ARN }]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(queue.deleted).toEqual(['m-0']);
  });

  it('leaves an AWS-service event in the queue when no target function is given, and says why', async () => {
    const queue = new FakeQueue([CFN_EVENT]);
    const events = new EventBridgeEventPutter(new EventBridgeClient({ region: 'eu-west-1' }));

    const summary = await redriveDeadLetters({ queue, events, lambda: recordingInvoker() });

    expect(summary.left).toEqual([{ messageId: 'm-0', reason: expect.stringMatching(/aws\.cloudformation event cannot be put on a bus again/) }]);
    expect(queue.remaining).toEqual(['m-0']);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('invokes the failed function again with the original request of a Lambda on-failure record', async () => {
    const request = { version: '0', id: 'e-1', 'detail-type': 'Step Functions Execution Status Change', source: 'aws.states', detail: { status: 'FAILED' } };
    const record = JSON.stringify({
      version: '1.0',
      timestamp: '2025-11-23T09:05:00.000Z',
      requestContext: { requestId: 'req-1', functionArn: `${SCAN_REQUEST_ARN}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: request,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: { errorType: 'ServerError', errorMessage: 'POST /chat.postMessage answered 503' },
    });
    const queue = new FakeQueue([record]);
    const lambda = recordingInvoker();

    const summary = await redriveDeadLetters({ queue, lambda });

    expect(lambda.calls).toEqual([{ functionArn: `${SCAN_REQUEST_ARN}:$LATEST`, payload: JSON.stringify(request) }]);
    expect(summary.redriven).toEqual([{ messageId: 'm-0', path: 'invoke-failed-function', destination: `${SCAN_REQUEST_ARN}:$LATEST` }]);
    expect(queue.deleted).toEqual(['m-0']);
  });

  it('keeps a message whose event EventBridge rejects, with the error code', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });
    const queue = new FakeQueue([MANUAL_REQUEST]);
    const events = new EventBridgeEventPutter(new EventBridgeClient({ region: 'eu-west-1' }));

    const summary = await redriveDeadLetters({ queue, events });

    expect(summary.redriven).toEqual([]);
    expect(summary.left).toEqual([{ messageId: 'm-0', reason: 'put-events to default failed: ZscalerError: PutEvents rejected the zsa event: InternalFailure (try again)' }]);
    expect(queue.remaining).toEqual(['m-0']);
  });

  it('keeps what it cannot read', async () => {
    const queue = new FakeQueue(['not json', JSON.stringify({ hello: 'world' })]);

    const summary = await redriveDeadLetters({ queue, lambda: recordingInvoker() });

    expect(summary.left).toEqual([
      { messageId: 'm-0', reason: 'the body is not JSON' },
      { messageId: 'm-1', reason: 'neither an EventBridge event nor a Lambda invocation record' },
    ]);
    expect(queue.deleted).toEqual([]);
  });

  it('gives a custom-source event to the target function unchanged when one is named, keeping its event id', async () => {
    const queue = new FakeQueue([MANUAL_REQUEST]);
    const lambda = recordingInvoker();
    const events = new EventBridgeEventPutter(new EventBridgeClient({ region: 'eu-west-1' }));

    const summary = await redriveDeadLetters({ queue, events, lambda }, { targetFunctionArn: MANUAL_TRACE_ARN });

    expect(lambda.calls).toEqual([{ functionArn: MANUAL_TRACE_ARN, payload: MANUAL_REQUEST }]);
    expect(summary.redriven).toEqual([{ messageId: 'm-0', path: 'invoke-target', destination: MANUAL_TRACE_ARN }]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });

  it('sends and deletes nothing in a dry run but lists what it would do', async () => {
    const queue = new FakeQueue([MANUAL_REQUEST, CFN_EVENT]);
    const lambda = recordingInvoker();
    const events = new EventBridgeEventPutter(new EventBridgeClient({ region: 'eu-west-1' }));

    const summary = await redriveDeadLetters({ queue, events, lambda }, { dryRun: true });

    expect(summary).toEqual({
      redriven: [{ messageId: 'm-0', path: 'put-events', destination: 'default' }],
      left: [{ messageId: 'm-1', reason: expect.stringContaining('cannot be put on a bus again') }],
      dryRun: true,
    });
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(lambda.calls).toEqual([]);
    expect(queue.deleted).toEqual([]);
  });

  it('stops at maxMessages, receiving at most ten at a time', async () => {
    const queue = new FakeQueue(Array.from({ length: 25 }, () => MANUAL_REQUEST));
    const events = new EventBridgeEventPutter(new EventBridgeClient({ region: 'eu-west-1' }));

    const summary = await redriveDeadLetters({ queue, events }, { maxMessages: 15 });

    expect(summary.redriven).toHaveLength(15);
    expect(queue.receiveSizes).toEqual([10, 5]);
    expect(queue.remaining).toHaveLength(10);
  });
});
