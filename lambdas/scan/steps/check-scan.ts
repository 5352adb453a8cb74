/**
 * GetScanStatus: one status check of the running scan, and the wait before the next one.
 *
 * Never throws for a scan outcome: success, failure and the scan deadline are values the state
 * machine's Choice routes on (a thrown error would be retried). Only infrastructure errors throw.
 */
import { systemClock, type Clock, type Log } from '../../core/ports.js';
import { nextWaitSeconds } from '../domain/polling.js';
import type { CallOptions } from '../../core/http/http-client.js';
import type { ZcspmScanApi } from '../ports.js';
import type { ScanSettings } from '../settings.js';
import type { ScanState, WindowState } from '../domain/workflow-state.js';

export interface CheckScanDeps {
  readonly zcspm: Pick<ZcspmScanApi, 'jobStatus'>;
  readonly settings: ScanSettings;
  readonly log: Log;
  readonly clock?: Clock;
  readonly call?: CallOptions;
}

/** Checks the job once and returns the next `$.scan` state. */
export async function checkScan(window: WindowState, scan: ScanState, deps: CheckScanDeps): Promise<ScanState> {
  const clock = deps.clock ?? systemClock;
  const status = await deps.zcspm.jobStatus(window.zcspmAccountId, scan.jobId, deps.call);
  const now = clock.now();
  const elapsed = Math.max(0, (now - Date.parse(scan.startedAt)) / 1000);
  const checked = { ...scan, checks: scan.checks + 1, jobStatus: status.jobStatus, checkedAt: new Date(now).toISOString() };
  const context = { zcspmAccountId: window.zcspmAccountId, jobId: scan.jobId, jobStatus: status.jobStatus, elapsedSeconds: Math.round(elapsed), checks: checked.checks };

  if (status.succeeded) {
    deps.log.info('scan succeeded', context);
    return { ...checked, outcome: 'succeeded', detectedAfterSeconds: elapsed };
  }
  if (status.failed || status.terminal) {
    deps.log.warn('scan ended without success', context);
    return { ...checked, outcome: 'failed', detectedAfterSeconds: elapsed };
  }
  if (elapsed >= deps.settings.polling.scanTimeoutSeconds) {
    deps.log.warn('scan timed out', context);
    return { ...checked, outcome: 'timed_out', detectedAfterSeconds: null };
  }
  const waitSeconds = nextWaitSeconds(scan.plan, elapsed, deps.settings.polling);
  deps.log.info('scan running', { ...context, waitSeconds });
  return { ...checked, outcome: 'running', lastRunningAfterSeconds: elapsed, waitSeconds };
}
