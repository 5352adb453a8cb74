import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE, METRICS_SERVICE, PIPELINE_METRICS, type PipelineMetric } from '../../lambdas/core/observability/metrics.js';
import { labelOf } from './operations-alarms.js';

/** Props of {@link OperationsDashboard}. */
export interface OperationsDashboardProps {
  /** Failed / timed-out executions are shown per state machine. */
  readonly stateMachines: readonly sfn.IStateMachine[];
  /** Depth of each dead-letter queue. */
  readonly deadLetterQueues: readonly sqs.IQueue[];
  /** The tenant's ZDX calls per minute (`diagnostics.zdxRatePerMinute`), drawn as a line on the budget graph. */
  readonly zdxRatePerMinute: number;
  /** Period of the pipeline graphs. @default Duration.hours(1) */
  readonly period?: Duration;
}

/**
 * The integration's CloudWatch dashboard, in rows (each graph has a title saying what it shows):
 *
 * 1. Posture: compliance percent per account over time; new and fixed failures per scan.
 * 2. Scans: started, completed, failed, timed out; detection delay (average and maximum).
 * 3. Diagnostics: alerts diagnosed by verdict; deep traces started; trace slots in use against the cap.
 * 4. ZDX budget: calls admitted per minute against the tenant's limit; time calls waited for the budget.
 * 5. Health: dead-letter queue depth; failed, timed-out and aborted executions per state machine.
 *
 * Rows 1-4 read the embedded-metric figures the handlers emit (lambdas/core/observability/metrics.ts,
 * the one list of names both sides use); row 5 reads the AWS/SQS and AWS/States metrics.
 */
export class OperationsDashboard extends Construct {
  readonly dashboard: cloudwatch.Dashboard;
  /** The pipeline figures the graphs read (tests check each one is emitted by a handler). */
  readonly pipelineMetricsRead: ReadonlySet<PipelineMetric>;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const period = props.period ?? Duration.hours(1);
    const read = new Set<PipelineMetric>();
    const metric = (name: PipelineMetric, statistic: string, label?: string, metricPeriod = period) => {
      read.add(name);
      return new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { service: METRICS_SERVICE },
        statistic,
        period: metricPeriod,
        ...(label ? { label } : {}),
      });
    };
    // Every value of the metric's extra dimension, without listing them at deploy time (new accounts appear by themselves).
    const perDimension = (name: 'CompliancePercent' | 'AlertsDiagnosed', statistic: string, label: string) => {
      read.add(name);
      const dimension = PIPELINE_METRICS[name].dimension;
      return new cloudwatch.MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},${dimension},service} MetricName="${name}" service="${METRICS_SERVICE}"', '${statistic}', ${period.toSeconds()})`,
        label,
        period,
      });
    };
    const graph = (title: string, left: cloudwatch.IMetric[], options: Partial<cloudwatch.GraphWidgetProps> = {}) =>
      new cloudwatch.GraphWidget({ title, left, width: 12, height: 6, ...options });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(7),
      widgets: [
        [new cloudwatch.TextWidget({ markdown: '## Posture\nCompliance of every scanned account after each scan, and what each scan changed.', width: 24, height: 1 })],
        [
          graph('Compliance percent per account', [perDimension('CompliancePercent', 'Average', '')], { leftYAxis: { min: 0, max: 100, label: '%', showUnits: false } }),
          graph('New and fixed failures per scan', [metric('NewFailures', 'Sum', 'new failures'), metric('FixedFailures', 'Sum', 'fixed')]),
        ],
        [new cloudwatch.TextWidget({ markdown: '## Scans\nPost-deploy scans and how quickly a finished scan is noticed.', width: 24, height: 1 })],
        [
          graph('Scans started, completed, failed, timed out', [
            metric('ScansStarted', 'Sum', 'started'),
            metric('ScansCompleted', 'Sum', 'completed'),
            metric('ScansFailed', 'Sum', 'failed'),
            metric('ScansTimedOut', 'Sum', 'timed out'),
          ]),
          graph('Detection delay (s)', [metric('DetectionDelaySeconds', 'Average', 'average'), metric('DetectionDelaySeconds', 'Maximum', 'maximum')]),
        ],
        [new cloudwatch.TextWidget({ markdown: '## Diagnostics\nZDX alerts diagnosed, deep traces and the tenant\'s trace slots.', width: 24, height: 1 })],
        [
          graph('Alerts diagnosed by verdict', [perDimension('AlertsDiagnosed', 'Sum', '')], { stacked: true, width: 8 }),
          graph('Deep traces started', [metric('DeepTracesStarted', 'Sum', 'started')], { width: 8 }),
          graph('Trace slots in use', [metric('TraceSlotsInUse', 'Maximum', 'in use', Duration.minutes(5)), metric('TraceSlotCapacity', 'Maximum', 'capacity', Duration.minutes(5))], {
            width: 8,
          }),
        ],
        [new cloudwatch.TextWidget({ markdown: '## ZDX rate budget\nEvery ZDX call from every function draws on one shared budget.', width: 24, height: 1 })],
        [
          graph('ZDX calls admitted per minute', [metric('ZdxCallsAdmitted', 'Sum', 'admitted', Duration.minutes(1))], {
            leftAnnotations: [{ value: props.zdxRatePerMinute, label: 'tenant limit per minute', color: cloudwatch.Color.RED }],
          }),
          graph('Wait for the ZDX budget (ms)', [metric('ZdxBudgetWaitMs', 'Average', 'average', Duration.minutes(1)), metric('ZdxBudgetWaitMs', 'Maximum', 'maximum', Duration.minutes(1))]),
        ],
        [new cloudwatch.TextWidget({ markdown: '## Health\nDead letters and executions that did not end well (each also raises an alarm).', width: 24, height: 1 })],
        [
          graph(
            'Dead-letter queue depth',
            props.deadLetterQueues.map((queue) => queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(5), label: labelOf(queue.node.scope ?? queue) })),
          ),
          graph(
            'Execution failures',
            props.stateMachines.flatMap((machine) => {
              const name = machine.node.scope?.node.id ?? machine.node.id;
              const every5Minutes = { statistic: 'Sum', period: Duration.minutes(5) };
              return [
                machine.metricFailed({ ...every5Minutes, label: `${name} failed` }),
                machine.metricTimedOut({ ...every5Minutes, label: `${name} timed out` }),
                machine.metricAborted({ ...every5Minutes, label: `${name} aborted` }),
              ];
            }),
          ),
        ],
      ],
    });
    this.pipelineMetricsRead = read;
  }
}
