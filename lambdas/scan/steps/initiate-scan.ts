/**
 * InitiateScan: close the window to new deployments, start the ZCSPM scan, plan the polling.
 *
 * Idempotent under Step Functions retries: the window keeps the job id, so a retry after a
 * successful `rescan` reuses that job instead of starting a second scan. A `rescan` whose reply was
 * lost or garbled may have started the scan: it is asked again at once, and while that scan runs
 * ZCSPM answers its job id instead of starting another (the documented choice, see
 * local/simulator/assumptions.ts `zcspm-rescan-while-running`), so the job is recovered, not doubled.
 */
import { ConnectionError, ResponseShapeError, TimeoutError, ZscalerError } from '../../core/errors.js';
import { systemClock, type Clock, type Log } from '../../core/ports.js';
import { firstWaitSeconds, planPolling } from '../domain/polling.js';
import type { CallOptions } from '../../core/http/http-client.js';
import type { ZcspmScanApi } from '../ports.js';
import type { ScanHistoryStore } from '../adapters/scan-history-store.js';
import type { ScanWindowStore } from '../adapters/scan-window-store.js';
import type { ScanSettings } from '../settings.js';
import type { ScanState, WindowState } from '../domain/workflow-state.js';

export interface InitiateScanDeps {
  readonly windows: Pick<ScanWindowStore, 'beginScan' | 'setJob' | 'get'>;
  readonly history: Pick<ScanHistoryStore, 'recentDurations'>;
  readonly zcspm: Pick<ZcspmScanApi, 'rescan'>;
  readonly settings: ScanSettings;
  readonly log: Log;
  readonly clock?: Clock;
  readonly call?: CallOptions;
}

/** A failure after which the scan may have started: no answer, or one that cannot be read. */
const isAmbiguous = (error: unknown): boolean => error instanceof ResponseShapeError || error instanceof ConnectionError || error instanceof TimeoutError;

/** `rescan`, asked once more right away when its answer was lost (see the module comment). */
async function rescanRecovering(zcspmAccountId: string, deps: InitiateScanDeps): Promise<{ jobId: string }> {
  try {
    return await deps.zcspm.rescan(zcspmAccountId, deps.call);
  } catch (error) {
    if (!isAmbiguous(error)) throw error;
    deps.log.warn('rescan answer lost; asking again for the running job', { zcspmAccountId, error: (error as Error).name });
    return deps.zcspm.rescan(zcspmAccountId, deps.call);
  }
}

/** Starts (or finds) the window's scan and returns the first `$.scan` state. */
export async function initiateScan(window: WindowState, deps: InitiateScanDeps): Promise<ScanState> {
  const clock = deps.clock ?? systemClock;
  const begun = await deps.windows.beginScan(window, deps.settings.polling.scanTimeoutSeconds);
  if (!begun.ok) throw new ZscalerError(begun.reason);

  let jobId = begun.window.jobId;
  let startedAtMs = begun.window.scanStartedAt ?? clock.now();
  if (jobId) {
    deps.log.info('scan already started for this window', { zcspmAccountId: window.zcspmAccountId, jobId });
  } else {
    const started = await rescanRecovering(window.zcspmAccountId, deps);
    startedAtMs = clock.now();
    jobId = started.jobId;
    if (!(await deps.windows.setJob(window, jobId, startedAtMs))) {
      // A concurrent attempt stored its job first: follow that one.
      const current = await deps.windows.get(window.zcspmAccountId);
      jobId = current?.jobId ?? jobId;
      startedAtMs = current?.scanStartedAt ?? startedAtMs;
    }
    deps.log.info('scan started', { zcspmAccountId: window.zcspmAccountId, jobId, windowId: window.windowId });
  }

  const durations = await deps.history.recentDurations(window.zcspmAccountId, deps.settings.polling.historySize);
  const plan = planPolling(durations, deps.settings.polling);
  return {
    jobId,
    startedAt: new Date(startedAtMs).toISOString(),
    plan,
    waitSeconds: firstWaitSeconds(plan, deps.settings.polling),
    checks: 0,
    lastRunningAfterSeconds: null,
    outcome: 'running',
    jobStatus: 'Started',
    detectedAfterSeconds: null,
    checkedAt: null,
    deploymentCount: begun.window.deploymentCount,
  };
}
