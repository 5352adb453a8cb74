/**
 * What the diagnostics benchmarks share around one alert run through the sandbox's harness: the
 * webhook body, the warm-up before measuring, and the run's report.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { DiagnosticsOutcome, DiagnosticsPipelineHarness } from '../../local/sandbox/diagnostics/harness.js';

/** The webhook body ZDX posts for a STARTED alert of the simulator's sample rule. */
export function alertWebhookBody(alertId: number, severity = 'High'): string {
  return JSON.stringify({ alertId, ruleName: 'Poor Outlook Online Page Fetch Time', status: 'STARTED', severity, criteriaString: 'Page Fetch Time > 3000 ms' });
}

/**
 * Runs a one-device alert first, which loads every handler module and fetches the token as warm
 * Lambdas would have, then waits `settleMs` for the simulator's rate windows (and the shared
 * budget's) to empty before anything is measured.
 */
export async function warmUp(harness: DiagnosticsPipelineHarness, alertId: number, settleMs: number): Promise<void> {
  harness.simulator.ensureAlert(alertId, { deviceCount: 1 });
  await harness.deliverWebhook(alertWebhookBody(alertId));
  await harness.idle();
  await delay(settleMs);
}

/** The report of the execution the webhook of `alertId` started; throws when it produced none. */
export function alertReport(harness: DiagnosticsPipelineHarness, alertId: number): NonNullable<DiagnosticsOutcome['report']> {
  const outcome = harness.outcomes().find((candidate) => candidate.executionName === `alert-${alertId}`);
  if (!outcome?.report) throw new Error(`the run produced no report: ${JSON.stringify(outcome?.failure)}`);
  return outcome.report;
}
