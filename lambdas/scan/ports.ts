/**
 * The interfaces the scan use cases depend on. Production passes the real ZCSPM client, the
 * CloudFormation reader and the Step Functions starter; tests and the sandbox pass fakes or local
 * stand-ins. The ZCSPM port is the subset of the agreed `ZcspmClient` seam this pipeline calls,
 * typed structurally (only the fields read here), so the real client satisfies it as it is.
 */
import type { PipelineResult, SentNotification } from '../notify/results.js';

/** Per-call options every port accepts: the Lambda's abort signal and its deadline (epoch ms). */
export interface CallOptions {
  readonly signal?: AbortSignal | undefined;
  readonly deadline?: number | undefined;
}

/** `jobStatus` as the client reports it (`Completed` is already folded into `succeeded`). */
export interface ScanJobStatus {
  readonly jobStatus: string;
  readonly succeeded: boolean;
  readonly failed: boolean;
  readonly terminal: boolean;
}

/** Posture counts as ZCSPM reports them (policies per colour; `compliancePercent` leaves Gray out). */
export interface PostureCounts {
  readonly total?: number | null;
  readonly green?: number | null;
  readonly red?: number | null;
  readonly amber?: number | null;
  readonly gray?: number | null;
  readonly compliancePercent?: number | null;
}

/** The audit summary fields this pipeline reads. */
export interface AuditSummaryView {
  readonly benchmarkId?: string | null;
  readonly benchmarkName?: string | null;
  readonly accountName?: string | null;
  readonly posture?: PostureCounts | null;
}

/** One failed asset (ZCSPM `failedPolicyAssetsLists[]` item) with the fields this pipeline reads. */
export interface FailedAssetView {
  readonly resourceId?: string | null;
  readonly resourceName?: string | null;
  readonly resourceType?: string | null;
  readonly resourceRegion?: string | null;
  readonly policyId?: string | null;
  readonly shortTitle?: string | null;
  readonly categoryName?: string | null;
  readonly impact?: string | null;
}

/** The ZCSPM calls of a post-deploy scan (a structural subset of `ZcspmClient`). */
export interface ZcspmScanApi {
  rescan(accountId: string, options?: CallOptions): Promise<{ readonly jobId: string }>;
  jobStatus(accountId: string, jobId: string, options?: CallOptions): Promise<ScanJobStatus>;
  /** The summary of `jobId` (the latest successful scan without it). */
  auditSummary(accountId: string, benchmarkId: string, options?: CallOptions & { readonly jobId?: string | undefined }): Promise<AuditSummaryView>;
  failedAssets(accountId: string, query: { benchmarkId: string; pageSize?: number }, options?: CallOptions): AsyncIterable<FailedAssetView>;
}

/** One resource of a deployed stack (CloudFormation `DescribeStackResources`). */
export interface StackResource {
  readonly logicalId: string;
  readonly physicalId: string;
  readonly resourceType: string;
}

/** The stack whose resources are wanted; account and Region pick the credentials and endpoint. */
export interface StackRef {
  readonly stackId: string;
  readonly stackName: string;
  readonly awsAccountId: string;
  readonly region: string;
}

/** Reads the resources of deployed stacks, to tell which failed assets a deployment owns. */
export interface StackResourcesReader {
  /** The stack's resources; an empty list when they cannot be read (never throws for a missing stack). */
  listResources(stack: StackRef, options?: CallOptions): Promise<readonly StackResource[]>;
}

/**
 * Delivers a result to the configured channels (the notifications team's `NotificationRouter`
 * satisfies it): once per idempotency key and channel, all channels tried before an error is thrown.
 */
export interface ResultDelivery {
  deliver(
    result: PipelineResult,
    options: { readonly idempotencyKey: string; readonly signal?: AbortSignal; readonly deadline?: number },
  ): Promise<SentNotification[]>;
}

/** Starts one PostDeployScan execution. Idempotent per `name`. */
export interface ExecutionStarter {
  /** `started: false` when an execution of that name already exists (a retry or a duplicate). */
  start(request: { readonly name: string; readonly input: unknown }): Promise<{ readonly started: boolean }>;
}
