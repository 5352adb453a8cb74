/**
 * Imports ASFF findings with `BatchImportFindings` within its rules:
 *
 * - The caller must be the account a finding belongs to: findings are grouped by account and
 *   Region, and each group is sent through the client {@link SecurityHubClients} gives for that
 *   account (the central account's own, or a role assumed in a member account).
 * - At most 100 findings per call; a finding above 240 KB is never sent (reported as failed).
 * - A 200 may still carry `FailedFindings`: those are sent again with backoff, as are calls that
 *   were throttled or failed on the server side; whatever still fails is reported, never dropped
 *   silently.
 */
import type { BatchImportFindingsResponse, SecurityHubClient } from '@aws-sdk/client-securityhub';
import { ZscalerError } from '../../../core/errors.js';
import { backoffCeilingMs, backoffDelayMs, type BackoffOptions } from '../../../core/http/retry-policy.js';
import { silentLog, type Log } from '../../../core/ports.js';
import { abortableSleep, type Sleep } from '../../../core/wait.js';
import { classifyAwsError } from '../aws-errors.js';
import { ASFF_LIMITS, type AsffFinding } from './findings.js';

/** Gives a Security Hub client that calls as `accountId` in `region`. */
export interface SecurityHubClients {
  forAccount(accountId: string, region: string, options?: { signal?: AbortSignal }): Promise<SecurityHubClient>;
}

/** A finding Security Hub (or the size check) refused. */
export interface FailedFinding {
  readonly Id: string;
  readonly AwsAccountId: string;
  readonly ErrorCode: string;
  readonly ErrorMessage: string;
}

/** What one import did. */
export interface ImportSummary {
  readonly imported: number;
  readonly failed: readonly FailedFinding[];
  /** BatchImportFindings calls made, retries included. */
  readonly calls: number;
}

export interface SecurityHubImporterOptions {
  readonly clients: SecurityHubClients;
  readonly log?: Log;
  /** Attempts per batch (first call included). @default 4 */
  readonly maxAttempts?: number;
  /** @default DEFAULT_BACKOFF (retry-policy.ts) */
  readonly backoff?: BackoffOptions;
  readonly sleep?: Sleep;
  readonly random?: () => number;
}

/** Error codes of `FailedFindings` that a later attempt may clear. */
const TRANSIENT_CODES = new Set(['ThrottlingException', 'TooManyRequestsException', 'LimitExceededException', 'InternalException', 'InternalFailure', 'ServiceUnavailable']);

const ENDPOINT = 'Security Hub BatchImportFindings';

/** Sends findings to Security Hub in batches, from the account each belongs to. */
export class SecurityHubImporter {
  readonly #options: SecurityHubImporterOptions;
  readonly #log: Log;
  readonly #sleep: Sleep;
  readonly #random: () => number;

  constructor(options: SecurityHubImporterOptions) {
    this.#options = options;
    this.#log = options.log ?? silentLog;
    this.#sleep = options.sleep ?? abortableSleep;
    this.#random = options.random ?? Math.random;
  }

  /**
   * Imports `findings` (each into the Region of its `ProductArn`). Throws when a call fails for good
   * (access denied, Security Hub not enabled: named by the SDK error), or with a retryable error
   * when throttling outlasted every attempt; refused findings are returned in `failed`.
   */
  async import(findings: readonly AsffFinding[], options: { signal?: AbortSignal; deadline?: number } = {}): Promise<ImportSummary> {
    const failed: FailedFinding[] = [];
    const groups = new Map<string, AsffFinding[]>();
    for (const finding of findings) {
      const bytes = Buffer.byteLength(JSON.stringify(finding));
      if (bytes > ASFF_LIMITS.findingBytes) {
        failed.push(failure(finding, 'FindingTooLarge', `finding is ${bytes} bytes; BatchImportFindings takes at most ${ASFF_LIMITS.findingBytes}`));
        continue;
      }
      const key = `${finding.AwsAccountId}\u0000${regionOf(finding)}`;
      const group = groups.get(key) ?? [];
      group.push(finding);
      groups.set(key, group);
    }
    let imported = 0;
    let calls = 0;
    for (const group of groups.values()) {
      const first = group[0]!;
      const client = await this.#options.clients.forAccount(first.AwsAccountId, regionOf(first), options.signal ? { signal: options.signal } : {});
      for (let start = 0; start < group.length; start += ASFF_LIMITS.findingsPerCall) {
        const outcome = await this.#importBatch(client, group.slice(start, start + ASFF_LIMITS.findingsPerCall), options);
        imported += outcome.imported;
        calls += outcome.calls;
        failed.push(...outcome.failed);
      }
    }
    return { imported, failed, calls };
  }

  async #importBatch(
    client: SecurityHubClient,
    batch: readonly AsffFinding[],
    options: { signal?: AbortSignal; deadline?: number },
  ): Promise<{ imported: number; failed: FailedFinding[]; calls: number }> {
    const maxAttempts = this.#options.maxAttempts ?? 4;
    const byId = new Map(batch.map((finding) => [finding.Id, finding]));
    let pending = [...batch];
    let imported = 0;
    let calls = 0;
    let lastFailed: FailedFinding[] = [];
    for (let attempt = 0; attempt < maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 0) await this.#pause(attempt - 1, options);
      let response: BatchImportFindingsResponse;
      calls++;
      try {
        // The command loads with the client, which the wiring imports only when this channel is on.
        const { BatchImportFindingsCommand } = await import('@aws-sdk/client-securityhub');
        response = await client.send(new BatchImportFindingsCommand({ Findings: pending }), { abortSignal: options.signal });
      } catch (error) {
        const classified = classifyAwsError(error, ENDPOINT);
        const retryable = classified instanceof ZscalerError && classified.retryable;
        if (!retryable || attempt + 1 >= maxAttempts || this.#outOfTime(attempt, options.deadline)) throw classified;
        this.#log.warn('BatchImportFindings failed; retrying', { attempt: attempt + 1, error: (classified as Error).name });
        continue;
      }
      const refused = response.FailedFindings ?? [];
      imported += response.SuccessCount ?? pending.length - refused.length;
      lastFailed = refused.map((entry) => ({
        Id: entry.Id ?? '(no id)',
        AwsAccountId: byId.get(entry.Id ?? '')?.AwsAccountId ?? pending[0]!.AwsAccountId,
        ErrorCode: entry.ErrorCode ?? 'Unknown',
        ErrorMessage: entry.ErrorMessage ?? '',
      }));
      pending = refused.map((entry) => byId.get(entry.Id ?? '')).filter((finding): finding is AsffFinding => finding !== undefined);
      if (pending.length > 0) {
        this.#log.warn('BatchImportFindings refused findings', { attempt: attempt + 1, refused: lastFailed.length, codes: [...new Set(lastFailed.map((entry) => entry.ErrorCode))] });
        if (this.#outOfTime(attempt, options.deadline)) break;
      }
    }
    return { imported, failed: pending.length > 0 ? lastFailed : [], calls };
  }

  async #pause(retryIndex: number, options: { signal?: AbortSignal }): Promise<void> {
    await this.#sleep(backoffDelayMs(retryIndex, this.#random, this.#options.backoff), options.signal);
  }

  // The next backoff must not run into the Lambda deadline: better to report than to be killed.
  #outOfTime(retryIndex: number, deadline: number | undefined): boolean {
    if (deadline === undefined || !Number.isFinite(deadline)) return false;
    return Date.now() + backoffCeilingMs(retryIndex, this.#options.backoff) + 2_000 > deadline;
  }
}

/** Whether a refused finding may be accepted by a later attempt (a retry of the whole step). */
export function isTransientFailure(failed: FailedFinding): boolean {
  return TRANSIENT_CODES.has(failed.ErrorCode);
}

function regionOf(finding: AsffFinding): string {
  return finding.ProductArn.split(':')[3] ?? '';
}

function failure(finding: AsffFinding, code: string, message: string): FailedFinding {
  return { Id: finding.Id, AwsAccountId: finding.AwsAccountId, ErrorCode: code, ErrorMessage: message };
}
