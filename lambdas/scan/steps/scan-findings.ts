/**
 * The complete failed and fixed lists of a recorded scan, with their lineage, read from the scan
 * history: what the Security Hub channel turns into findings. The scan report itself carries only
 * the worst failures, so the history (written by CollectReport just before) is the source.
 */
import { ZscalerError } from '../../core/errors.js';
import type { ScanFindingsSource } from '../../notify/channels/security-hub/notifier.js';
import type { ScanReport } from '../../notify/results.js';
import { fixedSince } from '../domain/report.js';
import type { ScanHistoryStore, TrackedFailure } from '../adapters/scan-history-store.js';

/** {@link ScanFindingsSource} on the scan history. */
export class ScanHistoryFindings implements ScanFindingsSource {
  readonly #history: Pick<ScanHistoryStore, 'runWithPrevious'>;

  constructor(history: Pick<ScanHistoryStore, 'runWithPrevious'>) {
    this.#history = history;
  }

  /**
   * Every failed asset of the report's scan, and every asset the scan before it failed that this
   * one did not. No fixes are claimed when this scan's list was truncated (an absent failure may
   * simply not have been read): the rule of the report's delta ({@link fixedSince}).
   */
  async findingsOf(report: ScanReport): Promise<{ failed: TrackedFailure[]; fixed: TrackedFailure[] }> {
    const recorded = await this.#history.runWithPrevious(report.zcspmAccountId, report.jobId);
    if (!recorded) {
      throw new ZscalerError(`scan ${report.jobId} of ZCSPM account ${report.zcspmAccountId} is not in the scan history, so its findings cannot be listed`);
    }
    const fixed = recorded.previous ? fixedSince(recorded.previous.failures, recorded.failures, recorded.run.truncated) : [];
    return { failed: recorded.failures, fixed };
  }
}
