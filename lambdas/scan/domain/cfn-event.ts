/**
 * Parsing of the CloudFormation events that can start a scan (reference/aws-events.md).
 *
 * Contract: {@link parseDeploymentEvent} never throws. It returns the deployment an event describes,
 * or a reason a person can read when the input is not a usable deployment event. Statuses stay open
 * strings here (CloudFormation adds new ones over time); whether a status triggers a scan is a
 * decision of `decide.ts`, driven by settings.
 */
import * as z from 'zod';
import { describeIssues } from '../../core/errors.js';
import type { Deployment } from '../../notify/results.js';

export const STACK_STATUS_CHANGE = 'CloudFormation Stack Status Change';
export const STACK_INSTANCE_STATUS_CHANGE = 'CloudFormation StackSet StackInstance Status Change';

const STACK_ARN = /^arn:aws[a-z-]*:cloudformation:([a-z0-9-]+):(\d{12}):stack\/([^/]+)\/(.+)$/;

const EnvelopeSchema = z.lazy(() => z.object({
  id: z.string().min(1),
  'detail-type': z.string(),
  source: z.string(),
  account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  region: z.string().min(1),
  time: z.string().min(1),
  detail: z.unknown(),
}));

const StackStatusDetailSchema = z.lazy(() => z.object({
  'stack-id': z.string().regex(STACK_ARN, 'must be a CloudFormation stack ARN'),
  'status-details': z.object({ status: z.string().min(1), 'status-reason': z.string().nullish() }),
  'client-request-token': z.string().nullish(),
}));

const StackInstanceDetailSchema = z.lazy(() => z.object({
  'stack-set-arn': z.string().min(1),
  'stack-id': z.string().regex(STACK_ARN, 'must be a CloudFormation stack ARN'),
  action: z.string().nullish(),
  'status-details': z.object({
    status: z.string().nullish(),
    'detailed-status': z.string().min(1),
    'status-reason': z.string().nullish(),
  }),
  'client-request-token': z.string().nullish(),
}));

/** A CloudFormation stack ARN split into its parts. */
export interface StackArn {
  readonly region: string;
  readonly awsAccountId: string;
  readonly stackName: string;
}

/** Splits a stack ARN; `undefined` when `arn` is not one. */
export function parseStackArn(arn: string): StackArn | undefined {
  const match = STACK_ARN.exec(arn);
  if (!match) return undefined;
  return { region: match[1] as string, awsAccountId: match[2] as string, stackName: match[3] as string };
}

export type ParsedDeploymentEvent =
  | {
      readonly ok: true;
      readonly eventId: string;
      readonly kind: 'stack' | 'stack-set-instance';
      readonly deployment: Deployment;
      /** StackSet instance action (CREATE, UPDATE, DELETE, DETECT_DRIFT) when the event carries one. */
      readonly action?: string;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * Turns one EventBridge event into the deployment it reports.
 *
 * Account and Region come from the stack ARN (for a StackSet instance that ARN names the target
 * account, while the envelope names the StackSet administrator). The deployment key is the
 * `client-request-token` (the same on every event of one stack operation) or `stack-id@time`.
 */
export function parseDeploymentEvent(raw: unknown): ParsedDeploymentEvent {
  const envelope = EnvelopeSchema.safeParse(raw);
  if (!envelope.success) {
    return { ok: false, reason: `not an EventBridge event: ${explain(envelope.error.issues)}` };
  }
  const event = envelope.data;
  if (event.source !== 'aws.cloudformation') {
    return { ok: false, reason: `source "${clip(event.source)}" is not aws.cloudformation` };
  }
  if (event['detail-type'] === STACK_STATUS_CHANGE) return parseStackStatus(event);
  if (event['detail-type'] === STACK_INSTANCE_STATUS_CHANGE) return parseStackInstance(event);
  return { ok: false, reason: `detail-type "${clip(event['detail-type'])}" is not a deployment event` };
}

type Envelope = z.infer<typeof EnvelopeSchema>;

function parseStackStatus(event: Envelope): ParsedDeploymentEvent {
  const detail = StackStatusDetailSchema.safeParse(event.detail);
  if (!detail.success) return invalidDetail(event, detail.error.issues);
  const stackId = detail.data['stack-id'];
  const arn = parseStackArn(stackId) as StackArn;
  return {
    ok: true,
    eventId: event.id,
    kind: 'stack',
    deployment: {
      awsAccountId: arn.awsAccountId,
      region: arn.region,
      stackId,
      stackName: arn.stackName,
      status: detail.data['status-details'].status,
      deploymentKey: deploymentKey(detail.data['client-request-token'], stackId, event.time),
      time: event.time,
    },
  };
}

function parseStackInstance(event: Envelope): ParsedDeploymentEvent {
  const detail = StackInstanceDetailSchema.safeParse(event.detail);
  if (!detail.success) return invalidDetail(event, detail.error.issues);
  const stackId = detail.data['stack-id'];
  const arn = parseStackArn(stackId) as StackArn;
  const action = detail.data.action ?? undefined;
  return {
    ok: true,
    eventId: event.id,
    kind: 'stack-set-instance',
    deployment: {
      awsAccountId: arn.awsAccountId,
      region: arn.region,
      stackId,
      stackName: arn.stackName,
      status: detail.data['status-details']['detailed-status'],
      deploymentKey: deploymentKey(detail.data['client-request-token'], stackId, event.time),
      time: event.time,
      stackSetArn: detail.data['stack-set-arn'],
    },
    ...(action ? { action } : {}),
  };
}

function deploymentKey(token: string | null | undefined, stackId: string, time: string): string {
  return token && token.trim() !== '' ? token : `${stackId}@${time}`;
}

function invalidDetail(event: Envelope, issues: Issues): ParsedDeploymentEvent {
  return { ok: false, reason: `${event['detail-type']} has an invalid detail: ${explain(issues)}` };
}

type Issues = Parameters<typeof describeIssues>[0];

/** Issues as one sentence: absent fields listed together ("missing id, source"), then the others. */
function explain(issues: Issues): string {
  const missing = issues.filter((issue) => /received undefined$/.test(issue.message));
  const other = issues.filter((issue) => !missing.includes(issue));
  const parts = [
    ...(missing.length > 0 ? [`missing ${missing.map((issue) => issue.path.map(String).join('.')).join(', ')}`] : []),
    ...describeIssues(other),
  ];
  return parts.join('; ');
}

/** Keeps untrusted strings short in reasons (they end up in logs and sandbox output). */
function clip(value: string): string {
  return value.length > 120 ? `${value.slice(0, 120)}…` : value;
}
