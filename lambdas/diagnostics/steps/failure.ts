/**
 * The failure report of an "AlertDiagnostics" execution that could not produce its diagnosis
 * (the Catch -> NotifyFailure path), so an accepted alert always ends in a message.
 */
import type { FailureReport } from '../../notify/results.js';

/** Step Functions' error object as a Catch writes it. */
export interface StepError {
  readonly Error?: string | undefined;
  readonly Cause?: string | undefined;
}

/** The error name and a short message from a Catch's `{ Error, Cause }` (Lambda causes are JSON). */
export function describeStepError(error: StepError | undefined): { name: string; message: string } {
  const name = error?.Error ?? 'Error';
  const cause = error?.Cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') return { name, message: parsed.errorMessage.slice(0, 500) };
  } catch {
    // Plain text (States.* errors).
  }
  return { name, message: (cause || 'no details').slice(0, 500) };
}

/** Builds the failure report; `alertId` / `ruleName` come from the execution input when present. */
export function diagnosticsFailureReport(input: {
  error: StepError | undefined;
  alertId?: string | undefined;
  ruleName?: string | undefined;
  zdxUrl?: string | undefined;
  executionUrl?: string | undefined;
  occurredAt: string;
}): FailureReport {
  const error = describeStepError(input.error);
  const timeout = error.name === 'States.Timeout';
  const subject = input.alertId ? `alert ${input.alertId}${input.ruleName ? ` (${input.ruleName})` : ''}` : 'an alert';
  const report: FailureReport = {
    kind: 'failure',
    pipeline: 'diagnostics',
    reason: timeout ? 'Timeout' : error.name,
    message: timeout
      ? `The diagnostics of ${subject} did not finish within the state machine's time limit.`
      : `The diagnostics of ${subject} failed: ${error.message}`,
    error,
    deployments: [],
    occurredAt: input.occurredAt,
    links: {},
  };
  if (input.alertId) report.alertId = input.alertId;
  if (input.zdxUrl) report.links.zdx = input.zdxUrl;
  if (input.executionUrl) report.links.execution = input.executionUrl;
  return report;
}
