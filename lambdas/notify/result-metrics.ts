/**
 * The figures a notified result adds to the dashboard: a scan's outcome and posture, an alert's
 * verdict. Recorded by the two Notify steps once the result went out.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { addDimensionedMetric, addMetric } from '../core/observability/metrics.js';
import type { PipelineResult, ScanReport } from './results.js';

/**
 * The figures of one notified scan: completed with its posture and delta, or (for a failure, whose
 * `outcome` is the failure reason) failed or timed out.
 */
export function recordScanOutcome(metrics: Metrics, outcome: ScanReport | { readonly failureReason: string }): void {
  if ('kind' in outcome) {
    addMetric(metrics, 'ScansCompleted', 1);
    addMetric(metrics, 'NewFailures', outcome.delta.newFailureCount);
    addMetric(metrics, 'FixedFailures', outcome.delta.fixedCount);
    addDimensionedMetric(metrics, 'CompliancePercent', outcome.awsAccountId, outcome.posture.compliancePercent);
  } else {
    addMetric(metrics, outcome.failureReason === 'Timeout' ? 'ScansTimedOut' : 'ScansFailed', 1);
  }
}

/** The figure of one notified diagnostics result: the alert, by overall verdict. */
export function recordDiagnosticsOutcome(metrics: Metrics, result: PipelineResult): void {
  if (result.kind === 'diagnostics') addDimensionedMetric(metrics, 'AlertsDiagnosed', result.summary.verdict, 1);
}
