/**
 * The pipeline figures the CloudWatch dashboard reads, as Powertools Metrics (CloudWatch embedded
 * metric format on stdout): one definition of every metric name, unit and dimension, shared by the
 * handlers that emit them and by the dashboard construct (lib/constructs/operations-dashboard.ts).
 *
 * Dimensions stay bounded: every metric carries only `service`; `CompliancePercent` adds the AWS
 * account (bounded by the configured account mappings: one series per scanned account, never per
 * resource or per scan) and `AlertsDiagnosed` the verdict (five values).
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { RateLimiter } from '../ports.js';

/** CloudWatch namespace of every figure. */
export const METRICS_NAMESPACE = 'ZscalerAwsAutomations';
/** Value of the `service` dimension Powertools adds to every figure. */
export const METRICS_SERVICE = 'zscaler-aws-automations';

/** Dimensions besides `service`. */
const MetricDimension = { AwsAccountId: 'AwsAccountId', Verdict: 'Verdict' } as const;

/** Every figure: its unit, its extra dimension (if any) and what it measures. */
export const PIPELINE_METRICS = {
  ScansStarted: { unit: MetricUnit.Count, dimension: undefined, what: 'PostDeployScan executions started (ScanRequest)' },
  ScansCompleted: { unit: MetricUnit.Count, dimension: undefined, what: 'scans notified with a report (NotifyScan)' },
  ScansFailed: { unit: MetricUnit.Count, dimension: undefined, what: 'scans notified as failed, except timeouts (NotifyScan)' },
  ScansTimedOut: { unit: MetricUnit.Count, dimension: undefined, what: 'scans that ran past the scan deadline (NotifyScan)' },
  CompliancePercent: { unit: MetricUnit.Percent, dimension: MetricDimension.AwsAccountId, what: 'headline compliance of each scanned account (NotifyScan)' },
  NewFailures: { unit: MetricUnit.Count, dimension: undefined, what: 'failed assets a scan found that the previous one did not (NotifyScan)' },
  FixedFailures: { unit: MetricUnit.Count, dimension: undefined, what: 'failed assets of the previous scan that a scan found fixed (NotifyScan)' },
  DetectionDelaySeconds: { unit: MetricUnit.Seconds, dimension: undefined, what: 'longest time a finished scan went unnoticed: last "running" check to first "done" check (CollectReport)' },
  AlertsDiagnosed: { unit: MetricUnit.Count, dimension: MetricDimension.Verdict, what: 'alerts notified with a diagnosis, by overall verdict (NotifyDiagnostics)' },
  DeepTracesStarted: { unit: MetricUnit.Count, dimension: undefined, what: 'deep traces started (StartDeepTrace)' },
  TraceSlotsInUse: { unit: MetricUnit.Count, dimension: undefined, what: 'tenant deep-trace slots held after an acquisition (AcquireTraceSlot)' },
  TraceSlotCapacity: { unit: MetricUnit.Count, dimension: undefined, what: 'the configured tenant deep-trace slots (AcquireTraceSlot)' },
  ZdxCallsAdmitted: { unit: MetricUnit.Count, dimension: undefined, what: 'ZDX calls admitted by the shared rate budget (every ZDX-calling function)' },
  ZdxBudgetWaitMs: { unit: MetricUnit.Milliseconds, dimension: undefined, what: 'time a ZDX call waited for the shared rate budget' },
} as const;

/** Name of one figure. */
export type PipelineMetric = keyof typeof PIPELINE_METRICS;
export const PIPELINE_METRIC_NAMES = Object.keys(PIPELINE_METRICS) as PipelineMetric[];

let shared: Metrics | undefined;

/**
 * The process's Metrics instance (created on first use): handlers pass it to `withMiddleware`,
 * which flushes it after each invocation, and helpers such as {@link meteredRateLimiter} add to it.
 */
export function pipelineMetrics(): Metrics {
  shared ??= new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE, logger: METRICS_LOG });
  return shared;
}

/**
 * Where Powertools Metrics reports problems. An invocation that had nothing to count (a scan step
 * that saw no delay, a notify step for a failure) is normal here, not worth a warning per invocation;
 * every other warning (a bad dimension, a timestamp out of range) is kept.
 */
const METRICS_LOG = {
  debug: () => undefined,
  info: () => undefined,
  warn: (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('No application metrics to publish')) return;
    console.warn(...args);
  },
  error: (...args: unknown[]) => console.error(...args),
};

/** Adds one figure without an extra dimension. */
export function addMetric(metrics: Metrics, name: PipelineMetric, value: number): void {
  metrics.addMetric(name, PIPELINE_METRICS[name].unit, value);
}

/** Publishes one figure with its extra dimension set to `value` (a single-metric EMF line). */
export function addDimensionedMetric(metrics: Metrics, name: 'CompliancePercent' | 'AlertsDiagnosed', dimensionValue: string, value: number): void {
  const single = metrics.singleMetric();
  single.addDimension(PIPELINE_METRICS[name].dimension, dimensionValue);
  single.addMetric(name, PIPELINE_METRICS[name].unit, value);
}

/**
 * A rate limiter that admits through `budget` and counts every admission and its wait as
 * `ZdxCallsAdmitted` / `ZdxBudgetWaitMs`: the budget's use, measured from outside the budget.
 */
export function meteredRateLimiter(
  budget: { admit(options?: { signal?: AbortSignal; deadline?: number }): Promise<{ readonly waitedMs: number }> },
  metrics: () => Metrics = pipelineMetrics,
): RateLimiter {
  return {
    async acquire(options) {
      const { waitedMs } = await budget.admit(options);
      addMetric(metrics(), 'ZdxCallsAdmitted', 1);
      addMetric(metrics(), 'ZdxBudgetWaitMs', Math.max(0, waitedMs));
    },
  };
}
