import { Duration, Names, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, type IConstruct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue.js';
import { TeamFunction } from './team-function.js';

/** What the alarms watch; every list may be empty. */
export interface MonitoredResources {
  /** ExecutionsFailed, ExecutionsTimedOut and ExecutionsAborted alarms for each. */
  readonly stateMachines?: readonly sfn.IStateMachine[];
  /** Errors and Throttles alarms for each. */
  readonly functions?: readonly lambda.IFunction[];
  /** ApproximateNumberOfMessagesVisible > 0 for each. */
  readonly deadLetterQueues?: readonly sqs.IQueue[];
  /** 5xx answers of each webhook API. */
  readonly webhookApis?: readonly apigwv2.IHttpApi[];
}

/** Props of {@link OperationsAlarms}. */
export interface OperationsAlarmsProps extends MonitoredResources {
  /** Where every alarm (and its recovery) is sent. */
  readonly topic: sns.ITopic;
  /**
   * Functions whose errors are flow control that the state machine retries as designed (e.g.
   * AcquireTraceSlot's BusyError while every trace slot is taken): Throttles alarm only. What
   * retries cannot fix still surfaces through the state machine alarms.
   * @default none
   */
  readonly flowControlFunctions?: readonly lambda.IFunction[];
  /** Length of one evaluation period. @default Duration.minutes(5) */
  readonly period?: Duration;
  /**
   * Errors of one function in one period that raise its alarm. Above 1 because a task error the state
   * machine retries successfully is not an incident; errors that are not retried away show up as failed
   * executions or dead letters, which alarm on the first one.
   * @default 3
   */
  readonly functionErrorThreshold?: number;
  /** Also notify when an alarm returns to OK. @default true */
  readonly notifyOnRecovery?: boolean;
}

/**
 * The operational alarms of the integration, all sending to the notification topic (alarm-only
 * email subscribers receive them; they carry no `kind` attribute): per state machine failed,
 * timed-out and aborted executions; per function errors and throttles; per dead-letter queue any
 * visible message; per webhook API any 5xx. Every alarm treats missing data as not breaching (no
 * traffic is healthy) and says in its description what to look at.
 *
 * Pass everything with {@link monitoredResources}, or add resources later with the `watch*` methods.
 */
export class OperationsAlarms extends Construct {
  /** Every alarm created, in creation order. */
  readonly alarms: cloudwatch.Alarm[] = [];
  private readonly action: actions.SnsAction;
  private readonly period: Duration;
  private readonly functionErrorThreshold: number;
  private readonly notifyOnRecovery: boolean;
  private readonly flowControl: ReadonlySet<lambda.IFunction>;

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    this.action = new actions.SnsAction(props.topic);
    this.period = props.period ?? Duration.minutes(5);
    this.functionErrorThreshold = props.functionErrorThreshold ?? 3;
    if (!Number.isInteger(this.functionErrorThreshold) || this.functionErrorThreshold < 1) {
      throw new Error(`OperationsAlarms ${this.node.path}: functionErrorThreshold must be a positive integer, got ${this.functionErrorThreshold}`);
    }
    this.notifyOnRecovery = props.notifyOnRecovery ?? true;
    this.flowControl = new Set(props.flowControlFunctions ?? []);
    for (const stateMachine of props.stateMachines ?? []) this.watchStateMachine(stateMachine);
    for (const fn of props.functions ?? []) this.watchFunction(fn);
    for (const queue of props.deadLetterQueues ?? []) this.watchDeadLetterQueue(queue);
    for (const api of props.webhookApis ?? []) this.watchWebhookApi(api);
  }

  /** Alarms on any failed, timed-out or aborted execution of `stateMachine`. */
  watchStateMachine(stateMachine: sfn.IStateMachine): void {
    const name = labelOf(stateMachine);
    const period = this.period;
    this.addAlarm(stateMachine, 'ExecutionsFailed', stateMachine.metricFailed({ period, statistic: 'Sum' }), 1, {
      description: `${name}: an execution failed. Open its failed executions in the Step Functions console; the failure notification links the execution.`,
    });
    this.addAlarm(stateMachine, 'ExecutionsTimedOut', stateMachine.metricTimedOut({ period, statistic: 'Sum' }), 1, {
      description: `${name}: an execution reached the state machine's overall timeout. Look for a scan or deep trace that never finished.`,
    });
    this.addAlarm(stateMachine, 'ExecutionsAborted', stateMachine.metricAborted({ period, statistic: 'Sum' }), 1, {
      description: `${name}: an execution was stopped (StopExecution). Check who stopped it in CloudTrail if that was not planned.`,
    });
  }

  /** Alarms on repeated errors (unless `fn` is a flow-control function) and on any throttle of `fn`. */
  watchFunction(fn: lambda.IFunction): void {
    const name = labelOf(fn);
    const period = this.period;
    if (!this.flowControl.has(fn)) {
      this.addAlarm(fn, 'Errors', fn.metricErrors({ period, statistic: 'Sum' }), this.functionErrorThreshold, {
        description: `${name}: ${this.functionErrorThreshold} or more errors in ${period.toMinutes()} minutes. Read the function's log group (level ERROR).`,
      });
    }
    this.addAlarm(fn, 'Throttles', fn.metricThrottles({ period, statistic: 'Sum' }), 1, {
      description: `${name}: invocations were throttled (reserved or account concurrency exhausted).`,
    });
  }

  /** Alarms as soon as a message is visible in `queue`. */
  watchDeadLetterQueue(queue: sqs.IQueue): void {
    const metric = queue.metricApproximateNumberOfMessagesVisible({ period: this.period, statistic: 'Maximum' });
    this.addAlarm(queue, 'Depth', metric, 0, {
      comparison: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      description: `${labelOf(queue)}: a dead-lettered message is waiting. Inspect and redrive it: docs/operations/dlq-redrive.md.`,
    });
  }

  /** Alarms on any 5xx answer of `api` (ZDX retries, but a 5xx means the intake broke, never bad input). */
  watchWebhookApi(api: apigwv2.IHttpApi): void {
    this.addAlarm(api, 'ServerErrors', api.metricServerError({ period: this.period, statistic: 'Sum' }), 1, {
      description: `${labelOf(api)}: the ZDX webhook answered 5xx. Read the AlertIntake log group and the API's access log.`,
    });
  }

  private addAlarm(
    resource: IConstruct,
    suffix: string,
    metric: cloudwatch.IMetric,
    threshold: number,
    options: { readonly description: string; readonly comparison?: cloudwatch.ComparisonOperator },
  ): void {
    const alarm = new cloudwatch.Alarm(this, `${Names.nodeUniqueId(resource.node)}${suffix}`, {
      metric,
      threshold,
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      comparisonOperator: options.comparison ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    alarm.addAlarmAction(this.action);
    if (this.notifyOnRecovery) alarm.addOkAction(this.action);
    this.alarms.push(alarm);
  }
}

/**
 * Everything under `scope` that should be alarmed on: the state machines, the project's functions
 * ({@link TeamFunction}), the dead-letter queues ({@link DeadLetterQueue}) and the HTTP APIs. Call it
 * after the pipelines are created, so a new function or queue is never forgotten.
 */
export function monitoredResources(scope: IConstruct): Required<MonitoredResources> {
  const all = scope.node.findAll();
  return {
    stateMachines: all.filter((node): node is sfn.StateMachine => node instanceof sfn.StateMachine),
    functions: all.filter((node): node is TeamFunction => node instanceof TeamFunction),
    deadLetterQueues: all.filter((node): node is DeadLetterQueue => node instanceof DeadLetterQueue).map((dlq) => dlq.queue),
    webhookApis: all.filter((node): node is apigwv2.HttpApi => node instanceof apigwv2.HttpApi),
  };
}

/** The construct path below the stack, e.g. `PostDeployScan/PostDeployScan/StateMachine`. */
export function labelOf(resource: IConstruct): string {
  const stackPath = Stack.of(resource).node.path;
  const path = resource.node.path;
  return path.startsWith(`${stackPath}/`) ? path.slice(stackPath.length + 1) : path;
}
