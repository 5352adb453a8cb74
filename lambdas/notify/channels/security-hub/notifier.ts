/**
 * The Security Hub channel: every scan result becomes ASFF findings (one per failed asset and
 * policy, plus the archived PASSED findings of what the scan found fixed), imported into each
 * configured Region from the account the findings belong to, once per idempotency key.
 *
 * The scan report carries only the worst failures (it travels between states, 256 KB), so the
 * complete lists come from a {@link ScanFindingsSource} (the scan history, which also remembers
 * when each failure was first seen and which deployment introduced it). Diagnostics and failure
 * results have no findings: the channel sends nothing for them.
 */
import { RateLimitedError } from '../../../core/errors.js';
import { silentLog, type Log } from '../../../core/ports.js';
import type { Notifier, PipelineResult, ScanReport, SentNotification } from '../../results.js';
import { deliverOnce, type DeliveryLedger } from '../../delivery-ledger.js';
import { buildScanFindings, type AsffFinding, type AsffPartition, type TrackedFinding } from './findings.js';
import { isTransientFailure, type SecurityHubImporter } from './importer.js';

/** The complete failed and fixed lists of a scan, with what earlier scans remember of each. */
export interface ScanFindingsSource {
  findingsOf(report: ScanReport): Promise<{ readonly failed: readonly TrackedFinding[]; readonly fixed: readonly TrackedFinding[] }>;
}

export interface SecurityHubNotifierOptions {
  readonly importer: Pick<SecurityHubImporter, 'import'>;
  readonly source: ScanFindingsSource;
  /** Regions whose Security Hub receives the findings. */
  readonly regions: readonly string[];
  /** @default 'aws' */
  readonly partition?: AsffPartition;
  readonly ledger: DeliveryLedger;
  readonly log?: Log;
}

/** What the channel sent for one scan: exactly the findings given to BatchImportFindings. */
export interface SecurityHubPayload {
  readonly findings: readonly AsffFinding[];
}

export class SecurityHubNotifier implements Notifier {
  readonly channel = 'securityhub' as const;
  readonly #options: SecurityHubNotifierOptions;
  readonly #log: Log;

  constructor(options: SecurityHubNotifierOptions) {
    this.#options = options;
    this.#log = options.log ?? silentLog;
  }

  /** Builds the scan's findings for every Region and imports them unless already imported under `idempotencyKey`. */
  async notify(result: PipelineResult, options: { idempotencyKey: string; signal?: AbortSignal; deadline?: number }): Promise<SentNotification | null> {
    if (result.kind !== 'scan') return null;
    const findings = await this.findingsOf(result);
    const outcome = await deliverOnce(
      this.#options.ledger,
      `securityhub#${options.idempotencyKey}`,
      async () => {
        const summary = await this.#options.importer.import(findings, {
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
        });
        const transient = summary.failed.filter(isTransientFailure);
        if (transient.length > 0) {
          // Re-importing the accepted ones on the step's retry is harmless: the same Ids update in place.
          throw new RateLimitedError(`Security Hub BatchImportFindings still refused ${transient.length} findings after retries (${transient[0]!.ErrorCode})`, {
            status: 429,
            endpoint: 'Security Hub BatchImportFindings',
            bodyExcerpt: transient[0]!.ErrorCode,
          });
        }
        if (summary.failed.length > 0) {
          this.#log.error('Security Hub refused findings', {
            refused: summary.failed.length,
            examples: summary.failed.slice(0, 5).map(({ Id, ErrorCode, ErrorMessage }) => ({ Id, ErrorCode, ErrorMessage })),
          });
        }
        return { imported: summary.imported, refused: summary.failed.length, calls: summary.calls };
      },
      this.#log,
    );
    this.#log.info('Security Hub findings', { idempotencyKey: options.idempotencyKey, findings: findings.length, regions: this.#options.regions, outcome });
    const payload: SecurityHubPayload = { findings };
    return { channel: this.channel, payload };
  }

  /** The findings a scan result turns into, for every configured Region (also for dry runs and the sandbox). */
  async findingsOf(report: ScanReport): Promise<AsffFinding[]> {
    const { failed, fixed } = await this.#options.source.findingsOf(report);
    const partition = this.#options.partition ?? 'aws';
    return this.#options.regions.flatMap((region) => buildScanFindings({ report, failed, fixed, target: { partition, region } }));
  }
}
