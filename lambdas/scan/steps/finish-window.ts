/**
 * FinishWindow: after the result (or the failure) was notified, close the window or move it on to
 * the deployments that landed while the scan ran, which then get exactly one follow-up scan.
 */
import type { Log } from '../../core/ports.js';
import type { ScanWindowStore } from '../adapters/scan-window-store.js';
import type { ScanSettings } from '../settings.js';
import type { FinishOutput, WindowState } from '../domain/workflow-state.js';

export interface FinishWindowDeps {
  readonly windows: Pick<ScanWindowStore, 'finishScan'>;
  readonly settings: Pick<ScanSettings, 'debounceSeconds'>;
  readonly log: Log;
}

/** Returns `{ followUp: true, window }` when the state machine must loop back for a follow-up scan. */
export async function finishWindow(window: WindowState, deps: FinishWindowDeps): Promise<FinishOutput> {
  const finished = await deps.windows.finishScan(window, deps.settings.debounceSeconds);
  if (!finished.followUp) {
    deps.log.info('scan window closed', { zcspmAccountId: window.zcspmAccountId, windowId: window.windowId, superseded: finished.superseded });
    return { followUp: false };
  }
  deps.log.info('follow-up scan needed', { zcspmAccountId: window.zcspmAccountId, windowId: finished.next.windowId });
  return {
    followUp: true,
    window: {
      ...window,
      windowId: finished.next.windowId,
      seq: finished.next.seq,
      debounceSeconds: deps.settings.debounceSeconds,
      isFollowUp: true,
    },
  };
}
