import { Duration, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { KeyPrefix } from '../../lambdas/core/store/table-schema.js';
import { NOTIFICATION_SETTINGS_ENV } from '../../lambdas/notify/settings.js';
import {
  EXECUTION_FAILURE_SETTINGS_ENV,
  EXECUTION_STATUS_CHANGE,
  FAILURE_STATUSES,
  type ExecutionFailureSettings,
} from '../../lambdas/operations/execution-failure.js';
import { type IntegrationSettings, notificationSettings } from '../settings/runtime-env.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import { TeamFunction } from './team-function.js';
import { bindNotificationChannels } from './notification-channels.js';

/**
 * Error names of the workflows' final Fail states that follow a delivered NotifyFailure
 * (PostDeployScan `ScanNotCompleted`, AlertDiagnostics `DiagnosticsFailed`): nothing more to say.
 * `NotificationFailed` (the failure notice itself failed) is deliberately not among them.
 */
export const NOTIFIED_FAILURE_ERRORS: readonly string[] = ['ScanNotCompleted', 'DiagnosticsFailed'];

/** A state machine to watch, and the pipeline its failure reports belong to. */
export interface WatchedStateMachine {
  /** `scan` (PostDeployScan) or `diagnostics` (AlertDiagnostics). */
  readonly pipeline: ExecutionFailureSettings['pipelines'][string];
  readonly stateMachine: sfn.IStateMachine;
}

/** Props of {@link ExecutionFailureAlerts}. */
export interface ExecutionFailureAlertsProps {
  /** The state machines whose failed, timed-out and aborted executions are notified (at least one). */
  readonly stateMachines: readonly WatchedStateMachine[];
  /** The state table: the delivery ledger (`idem#` keys only). */
  readonly table: dynamodb.ITable;
  /** Slack credential; read only when Slack notifications are enabled. */
  readonly slackSecret: secretsmanager.ISecret;
  /** Notification topic; published to only when SNS notifications are enabled. */
  readonly topic: sns.ITopic;
  /** Settings derived from the deployment configuration (the stack's `settings`). */
  readonly settings: IntegrationSettings;
  /** Fail-state errors that mean "the workflow already notified this failure". @default {@link NOTIFIED_FAILURE_ERRORS} */
  readonly notifiedFailureErrors?: readonly string[];
}

/**
 * The failure safety net: an EventBridge rule on "Step Functions Execution Status Change" events for
 * FAILED, TIMED_OUT and ABORTED executions of the given state machines, targeting the asynchronous
 * ExecutionFailure function (rule target DLQ for undeliverable events, on-failure destination for
 * events the function could not handle). The function turns each into a FailureReport and sends it
 * through the notification channels, once per execution; executions whose workflow already notified
 * the failure (see {@link NOTIFIED_FAILURE_ERRORS}) are skipped.
 *
 * Covers what a workflow's Catch cannot: the overall execution timeout, a StopExecution, runtime
 * errors (`States.Runtime`), and a NotifyFailure step that could not deliver.
 */
export class ExecutionFailureAlerts extends Construct {
  /** The rule on the account's default bus (where Step Functions sends status changes). */
  readonly rule: events.Rule;
  /** The ExecutionFailure function. */
  readonly function: TeamFunction;
  /** Events the rule could not deliver to the function. */
  readonly deadLetterQueue: DeadLetterQueue;
  /** Both queues of this path (rule DLQ, function on-failure destination), for the DLQ alarms. */
  readonly deadLetterQueues: readonly sqs.IQueue[];

  constructor(scope: Construct, id: string, props: ExecutionFailureAlertsProps) {
    super(scope, id);
    if (props.stateMachines.length === 0) throw new Error(`ExecutionFailureAlerts ${this.node.path}: stateMachines must name at least one state machine`);
    const { config } = props.settings;
    const stack = Stack.of(this);
    const pipelines = Object.fromEntries(props.stateMachines.map(({ stateMachine, pipeline }) => [stateMachine.stateMachineArn, pipeline]));

    this.function = new TeamFunction(this, 'ExecutionFailure', {
      entry: 'lambdas/operations/handlers/execution-failure.ts',
      description: 'Notifies failed, timed-out and aborted PostDeployScan / AlertDiagnostics executions that the workflow did not notify',
      invocation: 'async',
      timeout: Duration.seconds(60),
      defaults: props.settings.functionDefaults,
      environment: {
        [EXECUTION_FAILURE_SETTINGS_ENV]: stack.toJsonString({ pipelines, notifiedErrors: props.notifiedFailureErrors ?? NOTIFIED_FAILURE_ERRORS }),
        [NOTIFICATION_SETTINGS_ENV]: stack.toJsonString(notificationSettings(config, { topicArn: props.topic.topicArn })),
      },
    }).bindTable(props.table, { leadingKeys: [KeyPrefix.idempotency] });
    bindNotificationChannels(this.function, { config: props.settings.config, slackSecret: props.slackSecret, topic: props.topic });

    this.deadLetterQueue = new DeadLetterQueue(this, 'EventsDeadLetterQueue', {
      purpose: 'execution status changes that EventBridge could not deliver to ExecutionFailure',
    });
    this.rule = new events.Rule(this, 'Rule', {
      description: 'Failed, timed-out and aborted executions of the zscaler-aws-automations state machines: notify them',
      eventPattern: {
        source: ['aws.states'],
        detailType: [EXECUTION_STATUS_CHANGE],
        detail: { status: [...FAILURE_STATUSES], stateMachineArn: props.stateMachines.map(({ stateMachine }) => stateMachine.stateMachineArn) },
      },
      targets: [new targets.LambdaFunction(this.function, { deadLetterQueue: this.deadLetterQueue.queue, retryAttempts: 8, maxEventAge: Duration.hours(6) })],
    });
    this.deadLetterQueues = [this.deadLetterQueue.queue, ...(this.function.failureQueue ? [this.function.failureQueue] : [])];
  }
}
