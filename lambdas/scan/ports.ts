/**
 * The interfaces the scan use cases depend on. Production passes the real ZCSPM client, the
 * CloudFormation reader and the Step Functions starter; tests and the sandbox pass fakes or local
 * stand-ins. The ZCSPM port is the part of `ZcspmClient` this pipeline calls, typed by its schemas.
 */
import type { CallOptions } from '../core/http/http-client.js';
import type { PipelineResult, SentNotification } from '../notify/results.js';
import type { ZcspmClient } from '../zscaler/zcspm/client.js';
import type { FailedAssetItem } from '../zscaler/zcspm/schemas.js';

/** A failed asset as the report reads it: ZCSPM's item, any field of which may be missing. */
export type FailedAssetView = Partial<FailedAssetItem>;

/** The ZCSPM calls of a post-deploy scan. */
export type ZcspmScanApi = Pick<ZcspmClient, 'rescan' | 'jobStatus' | 'auditSummary' | 'failedAssets'>;

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
 * Delivers a result to the configured channels (`NotificationRouter` in lambdas/notify
 * satisfies it): once per idempotency key and channel, all channels tried before an error is thrown.
 */
export interface ResultDelivery {
  deliver(
    result: PipelineResult,
    options: { readonly idempotencyKey: string; readonly signal?: AbortSignal; readonly deadline?: number },
  ): Promise<SentNotification[]>;
}

