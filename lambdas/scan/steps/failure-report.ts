/**
 * NotifyFailure: turns whatever stopped a scan (a Failed job, the scan deadline, a caught step
 * error) into a FailureReport a person can act on. Error text comes from our own errors, which
 * never carry secrets; it is still shortened.
 */
import { causeMessage } from '../../core/aws/step-functions-cause.js';
import { ErrorName, toError } from '../../core/errors.js';
import { systemClock, type Clock, type Log } from '../../core/ports.js';
import type { Deployment, FailureReport } from '../../notify/results.js';
import { executionConsoleUrl } from '../../core/aws/console-url.js';
import { MAX_REPORT_DEPLOYMENTS } from './collect-report.js';
import type { ScanWindowStore } from '../adapters/scan-window-store.js';
import type { ScanSettings } from '../settings.js';
import type { FailureInput } from '../domain/workflow-state.js';

export interface FailureReportDeps {
  readonly windows: Pick<ScanWindowStore, 'deployments'>;
  readonly settings: Pick<ScanSettings, 'polling'>;
  readonly log: Log;
  readonly clock?: Clock;
}

const MAX_ERROR_TEXT = 300;

/** Builds the failure report for the state at the moment of failure. */
export async function buildFailureReport(input: FailureInput, deps: FailureReportDeps): Promise<FailureReport> {
  const { window } = input;
  const jobId = input.scan?.jobId;
  const where = `ZCSPM account ${window.zcspmAccountId} (AWS account ${window.awsAccountId})`;
  let reason: string;
  let message: string;
  let error: FailureReport['error'];

  if (input.failure?.reason === 'ScanFailed') {
    reason = 'ScanFailed';
    message = `The compliance scan of ${where} ended ${input.scan?.jobStatus ?? 'Failed'} (job ${jobId ?? 'unknown'}).`;
  } else if (input.failure?.reason === 'Timeout') {
    reason = 'Timeout';
    const minutes = Math.round(deps.settings.polling.scanTimeoutSeconds / 60);
    message = `The compliance scan of ${where} did not finish within ${minutes} minutes (job ${jobId ?? 'unknown'}, last status ${input.scan?.jobStatus ?? 'unknown'}).`;
  } else if (input.error) {
    const detail = causeMessage(input.error.Cause, MAX_ERROR_TEXT);
    reason = input.error.Error === 'States.Timeout' ? 'Timeout' : input.error.Error === ErrorName.JobFailed ? 'ScanFailed' : input.error.Error;
    message = `The post-deploy scan of ${where} stopped: ${input.error.Error}${detail ? `: ${detail}` : ''}.`;
    error = { name: input.error.Error, message: detail ?? input.error.Error };
  } else {
    reason = input.failure?.reason ?? 'Unknown';
    message = input.failure?.message ?? `The post-deploy scan of ${where} stopped for an unknown reason.`;
  }

  return {
    kind: 'failure',
    pipeline: 'scan',
    reason,
    message,
    ...(error ? { error } : {}),
    awsAccountId: window.awsAccountId,
    region: window.region,
    zcspmAccountId: window.zcspmAccountId,
    ...(jobId ? { jobId } : {}),
    deployments: await deploymentsOf(input, deps),
    occurredAt: new Date((deps.clock ?? systemClock).now()).toISOString(),
    links: input.executionId ? { execution: executionConsoleUrl(input.executionId) } : {},
  };
}

/** The window's deployments; a failure report goes out even when they cannot be read. */
async function deploymentsOf(input: FailureInput, deps: FailureReportDeps): Promise<Deployment[]> {
  try {
    return (await deps.windows.deployments(input.window)).slice(0, MAX_REPORT_DEPLOYMENTS);
  } catch (caught) {
    deps.log.warn('deployments of a failed scan not read', { error: toError(caught).name });
    return [];
  }
}

