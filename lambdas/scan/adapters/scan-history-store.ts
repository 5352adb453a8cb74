/**
 * Scan history per ZCSPM account in DynamoDB: recent scan durations (for adaptive polling) and the
 * failed assets of the last successful scan (for the delta of the next one).
 *
 * Layout (partition `scanhist#<zcspm account>`):
 * - `sk = run#<completedAt ISO>#<jobId>`: one successful scan (duration, posture headline).
 * - `sk = fail#<completedAt ISO>#<jobId>#<part>`: its failed assets as compact JSON, split in
 *   parts well under DynamoDB's 400 KB item limit.
 * Parts are written before the run item, so a run item always has complete parts. Re-recording the
 * same job overwrites the same keys (Step Functions retries CollectReport safely).
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { ResponseShapeError, describeIssues } from '../../core/errors.js';
import { systemClock, type Clock } from '../../core/ports.js';
import type { TrackedFinding } from '../../notify/channels/security-hub/findings.js';
import type { FailedAsset } from '../../notify/results.js';
import { isExpired, TableStore, ttlSeconds } from '../../core/store/table-store.js';
import { KeyPrefix } from '../../core/store/table-schema.js';

/** One finished scan as remembered for the next one. */
export interface ScanRun {
  readonly jobId: string;
  readonly startedAt: string;
  readonly completedAt: string;
  /** Best estimate of how long the scan really took (between its last "running" and first "done" check). */
  readonly durationSeconds: number;
  readonly compliancePercent: number;
  readonly failedAssetCount: number;
  /** True when not every failed asset was read (the list is then a prefix). */
  readonly truncated: boolean;
}

/** A failed asset as remembered (no per-report annotations). */
export type RememberedFailure = Omit<FailedAsset, 'fromDeployment' | 'stackName'>;

/** A remembered failure with its lineage: when a scan first saw it and which deployment introduced it. */
export type TrackedFailure = RememberedFailure & Pick<TrackedFinding, 'firstSeenAt' | 'introducedBy'>;

const RunSchema = z.lazy(() => z.object({
  jobId: z.string(),
  startedAt: z.string(),
  completedAt: z.string(),
  durationSeconds: z.number().nonnegative(),
  compliancePercent: z.number(),
  failedAssetCount: z.number().int().nonnegative(),
  truncated: z.boolean().default(false),
  parts: z.number().int().nonnegative(),
}));

const CompactFailureSchema = z.lazy(() => z.tuple([
  z.string(),
  z.string(),
  z.string(),
  z.string(),
  z.string(),
  z.string(),
  z.string().nullable(),
  z.string().nullable(),
  // Lineage (first seen, introducing stack name, stack id, deployment time); absent in older items.
  z.string().nullable().optional(),
  z.string().nullable().optional(),
  z.string().nullable().optional(),
  z.string().nullable().optional(),
]));

export interface ScanHistoryStoreOptions {
  readonly dynamo: DynamoDBClient;
  readonly tableName: string;
  readonly clock?: Clock;
  /** History is kept this long. @default 90 */
  readonly retentionDays?: number;
  /** Bytes of failure JSON per item (DynamoDB items are limited to 400 KB). @default 300000 */
  readonly partBytes?: number;
}

/** Scan durations and failure sets per ZCSPM account. One per container. */
export class ScanHistoryStore {
  readonly #table: TableStore;
  readonly #clock: Clock;
  readonly #retentionMs: number;
  readonly #partBytes: number;

  constructor(options: ScanHistoryStoreOptions) {
    this.#table = new TableStore({ dynamo: options.dynamo, tableName: options.tableName });
    this.#clock = options.clock ?? systemClock;
    this.#retentionMs = (options.retentionDays ?? 90) * 86_400_000;
    this.#partBytes = options.partBytes ?? 300_000;
  }

  /** Durations (seconds) of the account's most recent successful scans, newest first. */
  async recentDurations(zcspmAccountId: string, limit: number): Promise<number[]> {
    const runs = await this.#runs(zcspmAccountId, limit);
    return runs.map((run) => run.durationSeconds);
  }

  /** The newest recorded scan other than `excludeJobId`, with its failed assets. */
  async previousRun(
    zcspmAccountId: string,
    excludeJobId: string,
  ): Promise<{ run: ScanRun; failures: TrackedFailure[] } | undefined> {
    const runs = await this.#runs(zcspmAccountId, 2);
    const run = runs.find((candidate) => candidate.jobId !== excludeJobId);
    if (!run) return undefined;
    return { run: stripParts(run), failures: await this.#failures(zcspmAccountId, run) };
  }

  /**
   * The recorded scan `jobId` with its failed assets, and the scan before it with its own (for what
   * it found fixed). Undefined when `jobId` is not among the account's `recent` newest scans.
   */
  async runWithPrevious(
    zcspmAccountId: string,
    jobId: string,
    recent = 5,
  ): Promise<{ run: ScanRun; failures: TrackedFailure[]; previous?: { run: ScanRun; failures: TrackedFailure[] } } | undefined> {
    const runs = await this.#runs(zcspmAccountId, recent);
    const index = runs.findIndex((candidate) => candidate.jobId === jobId);
    if (index === -1) return undefined;
    const run = runs[index]!;
    const before = runs.slice(index + 1).find((candidate) => candidate.jobId !== jobId);
    const [failures, previous] = await Promise.all([
      this.#failures(zcspmAccountId, run),
      before ? this.#failures(zcspmAccountId, before).then((list) => ({ run: stripParts(before), failures: list })) : undefined,
    ]);
    return { run: stripParts(run), failures, ...(previous ? { previous } : {}) };
  }

  /** Remembers one successful scan and its failed assets (idempotent per job and completion time). */
  async recordRun(zcspmAccountId: string, run: ScanRun, failures: readonly TrackedFailure[]): Promise<void> {
    const expiresAt = ttlSeconds(this.#clock.now() + this.#retentionMs);
    const parts = this.#split(failures.map(compact));
    for (const [index, part] of parts.entries()) {
      await this.#table.put({
        pk: historyPk(zcspmAccountId),
        sk: `fail#${run.completedAt}#${run.jobId}#${String(index).padStart(4, '0')}`,
        failures: JSON.stringify(part),
        expiresAt,
      });
    }
    await this.#table.put({
      pk: historyPk(zcspmAccountId),
      sk: `run#${run.completedAt}#${run.jobId}`,
      ...run,
      parts: parts.length,
      expiresAt,
    });
  }

  async #failures(zcspmAccountId: string, run: Pick<ScanRun, 'completedAt' | 'jobId'>): Promise<TrackedFailure[]> {
    const items = await this.#table.query(historyPk(zcspmAccountId), { skPrefix: `fail#${run.completedAt}#${run.jobId}#` });
    return items.flatMap((item) => parseStored(z.array(CompactFailureSchema), JSON.parse(String(item.failures)), String(item.sk)).map(expand));
  }

  async #runs(zcspmAccountId: string, limit: number): Promise<Array<z.infer<typeof RunSchema>>> {
    const items = await this.#table.query(historyPk(zcspmAccountId), { skPrefix: 'run#', descending: true, limit });
    const now = this.#clock.now();
    return items.filter((item) => !isExpired(item, now)).map((item) => parseStored(RunSchema, item, String(item.sk)));
  }

  #split(rows: ReadonlyArray<readonly (string | null)[]>): Array<Array<readonly (string | null)[]>> {
    const parts: Array<Array<readonly (string | null)[]>> = [];
    let current: Array<readonly (string | null)[]> = [];
    let bytes = 2;
    for (const row of rows) {
      const size = Buffer.byteLength(JSON.stringify(row)) + 1;
      if (current.length > 0 && bytes + size > this.#partBytes) {
        parts.push(current);
        current = [];
        bytes = 2;
      }
      current.push(row);
      bytes += size;
    }
    if (current.length > 0) parts.push(current);
    return parts;
  }
}

/** A stored item that no longer fits its schema is a ResponseShapeError naming the item and fields. */
function parseStored<S extends z.ZodType>(schema: S, value: unknown, sk: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const fields = describeIssues(parsed.error.issues);
  throw new ResponseShapeError(`stored scan history ${sk} is invalid: ${fields.join('; ')}`, { endpoint: 'dynamodb:scanhist', fields }, { cause: parsed.error });
}

function historyPk(zcspmAccountId: string): string {
  return `${KeyPrefix.scanHistory}${zcspmAccountId}`;
}

function stripParts(run: z.infer<typeof RunSchema>): ScanRun {
  const { parts: _parts, ...rest } = run;
  return rest;
}

function compact(failure: TrackedFailure): readonly (string | null)[] {
  const lineage = [failure.firstSeenAt ?? null, failure.introducedBy?.stackName ?? null, failure.introducedBy?.stackId ?? null, failure.introducedBy?.time ?? null];
  // Rows without lineage keep the older, shorter form.
  return [
    failure.policyId,
    failure.resourceId,
    failure.resourceName,
    failure.resourceType,
    failure.severity,
    failure.shortTitle,
    failure.categoryName ?? null,
    failure.region ?? null,
    ...(lineage.some((value) => value !== null) ? lineage : []),
  ];
}

function expand(row: z.infer<typeof CompactFailureSchema>): TrackedFailure {
  const [policyId, resourceId, resourceName, resourceType, severity, shortTitle, categoryName, region, firstSeenAt, stackName, stackId, deployedAt] = row;
  return {
    policyId,
    resourceId,
    resourceName,
    resourceType,
    severity,
    shortTitle,
    ...(categoryName !== null ? { categoryName } : {}),
    ...(region !== null ? { region } : {}),
    ...(firstSeenAt ? { firstSeenAt } : {}),
    ...(stackName && stackId && deployedAt ? { introducedBy: { stackName, stackId, time: deployedAt } } : {}),
  };
}
