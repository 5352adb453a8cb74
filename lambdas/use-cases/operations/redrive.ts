/**
 * Redrive of the dead-letter queues: sends each dead-lettered message back to where it was going,
 * unchanged, and deletes it only once that worked. docs/operations/dlq-redrive.md says when to use
 * which path.
 *
 * Two kinds of message end up in this project's queues:
 * - an EventBridge event (a rule target's DLQ: the body is the event exactly as the target would
 *   have received it). Given the rule's target function, the body goes to it byte for byte, which is
 *   exactly what the rule would have done (same event id, so idempotent consumers dedupe a repeat).
 *   Without one, events from a custom source (e.g. `zsa` manual requests) are put on the bus again
 *   (EventBridge gives them a new id); events from an AWS service (`aws.*`, e.g. CloudFormation)
 *   cannot be, PutEvents refuses the reserved `aws.` prefix, so they stay;
 * - a Lambda invocation record (an on-failure destination): the original request (`requestPayload`)
 *   is invoked again, asynchronously, on the function that failed.
 * Anything else stays in the queue, with the reason in the summary.
 *
 * The queue, the bus and Lambda are ports, so the logic is tested without AWS. EventBridge has an
 * adapter (./eventbridge-event-putter.ts); SQS and Lambda adapters need @aws-sdk/client-sqs and
 * @aws-sdk/client-lambda, which the project does not install (the runbook uses the AWS CLI meanwhile).
 */
import * as z from 'zod';
import { toError } from '../../core/errors.js';
import { silentLog, type Log } from '../../core/ports.js';

/** One message received from a dead-letter queue. */
export interface DeadLetter {
  readonly messageId: string;
  /** What {@link QueueReader.delete} needs to remove this delivery of the message. */
  readonly receiptHandle: string;
  readonly body: string;
}

/** Reads and deletes dead-letter messages (SQS ReceiveMessage / DeleteMessage). */
export interface QueueReader {
  /** Up to `max` (1-10) messages, hidden from other readers while they are handled; none when the queue is drained. */
  receive(max: number): Promise<readonly DeadLetter[]>;
  delete(message: DeadLetter): Promise<void>;
}

/** One PutEvents entry, field for field. */
export interface ReplayedEvent {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string;
  readonly Resources: readonly string[];
  readonly Time: Date;
  readonly EventBusName: string;
}

/** Puts events on a bus (EventBridge PutEvents). Throws when the entry is rejected. */
export interface EventPutter {
  put(event: ReplayedEvent): Promise<void>;
}

/** Invokes a Lambda function asynchronously (`InvocationType: Event`) with a JSON payload, as given. */
export interface FunctionInvoker {
  invokeAsync(functionArn: string, payload: string): Promise<void>;
}

export interface RedriveOptions {
  /** Most messages handled in one run. @default 100 */
  readonly maxMessages?: number;
  /** Bus that custom-source events are put on. @default 'default' */
  readonly eventBusName?: string;
  /**
   * The rule's target function: every EventBridge event is invoked on it unchanged. Required for
   * `aws.*` events, which cannot be put on a bus again. @default none: custom events are re-put, `aws.*` ones stay
   */
  readonly targetFunctionArn?: string;
  /** Report what would happen; send and delete nothing. @default false */
  readonly dryRun?: boolean;
}

export interface RedriveDeps {
  readonly queue: QueueReader;
  readonly events?: EventPutter;
  readonly lambda?: FunctionInvoker;
  readonly log?: Log;
}

/** How one message was (or would be) sent back. */
export type RedrivePath = 'put-events' | 'invoke-target' | 'invoke-failed-function';

export interface RedriveSummary {
  readonly redriven: ReadonlyArray<{ readonly messageId: string; readonly path: RedrivePath; readonly destination: string }>;
  /** Messages left in the queue (they reappear after their visibility timeout) and why. */
  readonly left: ReadonlyArray<{ readonly messageId: string; readonly reason: string }>;
  readonly dryRun: boolean;
}

const DeadLetteredEventSchema = z.lazy(() => z.object({
  version: z.string(),
  id: z.string(),
  'detail-type': z.string().min(1),
  source: z.string().min(1),
  account: z.string(),
  time: z.iso.datetime({ offset: true }),
  region: z.string(),
  resources: z.array(z.string()),
  detail: z.unknown(),
}));

const InvocationRecordSchema = z.lazy(() => z.object({
  requestContext: z.object({
    functionArn: z.string().regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:.+$/, 'expected a Lambda function ARN'),
    condition: z.string().optional(),
    approximateInvokeCount: z.number().optional(),
  }),
  requestPayload: z.unknown(),
}));

type Plan =
  | { readonly path: 'put-events'; readonly destination: string; readonly event: ReplayedEvent }
  | { readonly path: 'invoke-target' | 'invoke-failed-function'; readonly destination: string; readonly payload: string }
  | { readonly path: 'leave'; readonly reason: string };

/**
 * Redrives up to `maxMessages` messages from `queue`. Each message is deleted only after it was
 * sent; a message that cannot be parsed or sent stays in the queue and is listed under `left`.
 */
export async function redriveDeadLetters(deps: RedriveDeps, options: RedriveOptions = {}): Promise<RedriveSummary> {
  const log = deps.log ?? silentLog;
  const max = options.maxMessages ?? 100;
  const dryRun = options.dryRun ?? false;
  const redriven: Array<RedriveSummary['redriven'][number]> = [];
  const left: Array<RedriveSummary['left'][number]> = [];
  const seen = new Set<string>();

  while (seen.size < max) {
    const batch = (await deps.queue.receive(Math.min(10, max - seen.size))).filter((message) => !seen.has(message.messageId));
    if (batch.length === 0) break;
    for (const message of batch) {
      seen.add(message.messageId);
      const plan = planRedrive(message.body, options, deps);
      if (plan.path === 'leave') {
        left.push({ messageId: message.messageId, reason: plan.reason });
        continue;
      }
      if (!dryRun) {
        try {
          await send(plan, deps);
        } catch (caught) {
          const error = toError(caught);
          left.push({ messageId: message.messageId, reason: `${plan.path} to ${plan.destination} failed: ${error.name}: ${error.message}` });
          continue;
        }
        await deps.queue.delete(message);
      }
      redriven.push({ messageId: message.messageId, path: plan.path, destination: plan.destination });
    }
  }
  log.info('dead-letter redrive finished', { dryRun, redriven: redriven.length, left: left.length });
  return { redriven, left, dryRun };
}

function planRedrive(body: string, options: RedriveOptions, deps: RedriveDeps): Plan {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { path: 'leave', reason: 'the body is not JSON' };
  }
  const event = DeadLetteredEventSchema.safeParse(json);
  if (event.success) {
    const { source } = event.data;
    if (options.targetFunctionArn) {
      if (!deps.lambda) return { path: 'leave', reason: 'no Lambda invoker was given' };
      return { path: 'invoke-target', destination: options.targetFunctionArn, payload: body };
    }
    if (source.startsWith('aws.')) {
      return { path: 'leave', reason: `a ${source} event cannot be put on a bus again (reserved source); give the rule's target function to invoke it` };
    }
    if (!deps.events) return { path: 'leave', reason: 'no EventBridge putter was given' };
    const eventBusName = options.eventBusName ?? 'default';
    return {
      path: 'put-events',
      destination: eventBusName,
      event: {
        Source: source,
        DetailType: event.data['detail-type'],
        Detail: JSON.stringify(event.data.detail ?? {}),
        Resources: event.data.resources,
        Time: new Date(event.data.time),
        EventBusName: eventBusName,
      },
    };
  }
  const record = InvocationRecordSchema.safeParse(json);
  if (record.success) {
    if (!deps.lambda) return { path: 'leave', reason: 'no Lambda invoker was given' };
    return { path: 'invoke-failed-function', destination: record.data.requestContext.functionArn, payload: JSON.stringify(record.data.requestPayload ?? null) };
  }
  return { path: 'leave', reason: 'neither an EventBridge event nor a Lambda invocation record' };
}

async function send(plan: Exclude<Plan, { path: 'leave' }>, deps: RedriveDeps): Promise<void> {
  if (plan.path === 'put-events') await deps.events!.put(plan.event);
  else await deps.lambda!.invokeAsync(plan.destination, plan.payload);
}
