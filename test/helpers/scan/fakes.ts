/**
 * Fakes for the scan pipeline's ports (passed as parameters, never module mocks) and builders of
 * CloudFormation events as EventBridge delivers them.
 */
import { randomUUID } from 'node:crypto';
import type { ExecutionStarter, Log } from '../../../lambdas/core/ports.js';
import type { PipelineResult, SentNotification } from '../../../lambdas/notify/results.js';
import type { ResultDelivery, StackRef, StackResource, StackResourcesReader, ZcspmScanApi } from '../../../lambdas/scan/ports.js';
import type { AuditSummary, FailedAssetItem, JobStatus, RescanResult } from '../../../lambdas/zscaler/zcspm/schemas.js';

/** Where the scan tests' {@link manualClock} starts (their fixtures are dated around it). */
export const SCAN_TEST_START = Date.parse('2024-05-02T12:00:00Z');

/** A logger that keeps every line for assertions. */
export class RecordingLog implements Log {
  readonly lines: Array<{ level: string; message: string; extra?: Record<string, unknown> }> = [];
  debug(message: string, extra?: Record<string, unknown>): void {
    this.lines.push({ level: 'debug', message, ...(extra ? { extra } : {}) });
  }
  info(message: string, extra?: Record<string, unknown>): void {
    this.lines.push({ level: 'info', message, ...(extra ? { extra } : {}) });
  }
  warn(message: string, extra?: Record<string, unknown>): void {
    this.lines.push({ level: 'warn', message, ...(extra ? { extra } : {}) });
  }
  error(message: string, extra?: Record<string, unknown>): void {
    this.lines.push({ level: 'error', message, ...(extra ? { extra } : {}) });
  }
}

/** Job status helpers as the ZCSPM client reports them. */
export const jobStatus = {
  running: (status = 'Running'): JobStatus => ({ jobStatus: status, succeeded: false, failed: false, terminal: false }),
  success: (status = 'Success'): JobStatus => ({ jobStatus: status, succeeded: true, failed: false, terminal: true }),
  failed: (): JobStatus => ({ jobStatus: 'Failed', succeeded: false, failed: true, terminal: true }),
};

/** An in-memory ZCSPM with scripted answers; records every call. */
export class FakeZcspm implements ZcspmScanApi {
  readonly calls: string[] = [];
  statuses: JobStatus[] = [jobStatus.success()];
  summaries = new Map<string, AuditSummary>();
  assets = new Map<string, FailedAssetItem[]>();
  private jobs = 0;

  async rescan(accountId: string): Promise<RescanResult> {
    this.jobs++;
    this.calls.push(`rescan ${accountId}`);
    return { jobId: `job-${this.jobs}` };
  }

  async jobStatus(accountId: string, jobId: string): Promise<JobStatus> {
    this.calls.push(`status ${accountId} ${jobId}`);
    return this.statuses.length > 1 ? (this.statuses.shift() as JobStatus) : (this.statuses[0] as JobStatus);
  }

  async auditSummary(accountId: string, benchmarkId: string, options?: { jobId?: string | undefined }): Promise<AuditSummary> {
    this.calls.push(`summary ${accountId} ${benchmarkId} ${options?.jobId ?? '-'}`);
    return this.summaries.get(benchmarkId) ?? { benchmarkId, posture: { total: 10, green: 5, red: 3, amber: 2, gray: 0, compliancePercent: 50 }, categories: [] };
  }

  async *failedAssets(accountId: string, query: { benchmarkId: string; pageSize?: number }): AsyncGenerator<FailedAssetItem> {
    this.calls.push(`failedassets ${accountId} ${query.benchmarkId}`);
    yield* this.assets.get(query.benchmarkId) ?? [];
  }
}

/** Stands in for the notification router: records results, delivers each key once, can fail on demand. */
export class RecordingDelivery implements ResultDelivery {
  readonly results: PipelineResult[] = [];
  readonly keys: string[] = [];
  failuresLeft = 0;
  constructor(readonly channel: SentNotification['channel'] = 'log') {}

  async deliver(result: PipelineResult, options: { idempotencyKey: string }): Promise<SentNotification[]> {
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      throw new Error(`${this.channel} is down`);
    }
    const key = `${options.idempotencyKey}#${result.kind}`;
    if (this.keys.includes(key)) return [];
    this.keys.push(key);
    this.results.push(result);
    return [{ channel: this.channel, payload: result }];
  }
}

/** An ExecutionStarter that records names and is idempotent per name, like Step Functions. */
export class RecordingExecutions implements ExecutionStarter {
  readonly started: Array<{ name: string; input: unknown }> = [];
  readonly attempts: string[] = [];
  async start(name: string, input: unknown): Promise<{ executionArn: string; alreadyStarted: boolean }> {
    this.attempts.push(name);
    const executionArn = `arn:aws:states:eu-west-1:123456789012:execution:PostDeployScan:${name}`;
    if (this.started.some((execution) => execution.name === name)) return { executionArn, alreadyStarted: true };
    this.started.push({ name, input });
    return { executionArn, alreadyStarted: false };
  }
}

/** A stack reader answering from a map of stack id to resources. */
export class FakeStackReader implements StackResourcesReader {
  readonly requested: StackRef[] = [];
  constructor(private readonly resources: Record<string, StackResource[]> = {}) {}
  async listResources(stack: StackRef): Promise<readonly StackResource[]> {
    this.requested.push(stack);
    return this.resources[stack.stackId] ?? [];
  }
}

export interface StackEventOptions {
  readonly stackName?: string;
  readonly account?: string;
  readonly region?: string;
  readonly status?: string;
  readonly token?: string | null;
  readonly time?: string;
  readonly id?: string;
  readonly stackUuid?: string;
}

/** A "CloudFormation Stack Status Change" event as EventBridge delivers it. */
export function stackEvent(options: StackEventOptions = {}): Record<string, unknown> {
  const account = options.account ?? '111122223333';
  const region = options.region ?? 'us-west-1';
  const stackName = options.stackName ?? 'teststack';
  const stackId = `arn:aws:cloudformation:${region}:${account}:stack/${stackName}/${options.stackUuid ?? '2c1ec2b0-e748-11e7-9d71-50fa3f4c1e0a'}`;
  const detail: Record<string, unknown> = {
    'stack-id': stackId,
    'status-details': { status: options.status ?? 'CREATE_COMPLETE', 'status-reason': '' },
  };
  if (options.token !== null) detail['client-request-token'] = options.token ?? `Console-CreateStack-${stackName}`;
  return {
    version: '0',
    id: options.id ?? randomUUID(),
    'detail-type': 'CloudFormation Stack Status Change',
    source: 'aws.cloudformation',
    account,
    time: options.time ?? '2024-05-02T12:00:00Z',
    region,
    resources: [stackId],
    detail,
  };
}

/** A "CloudFormation StackSet StackInstance Status Change" event; the stack id names the target account. */
export function stackInstanceEvent(
  options: { targetAccount?: string; targetRegion?: string; adminAccount?: string; detailedStatus?: string; action?: string; time?: string } = {},
): Record<string, unknown> {
  const target = options.targetAccount ?? '444455556666';
  const targetRegion = options.targetRegion ?? 'eu-west-1';
  const admin = options.adminAccount ?? '111122223333';
  const stackSetArn = `arn:aws:cloudformation:us-east-1:${admin}:stackset/baseline:6f1e5c7a-0b44-4a43-9e0c-3a1b2c3d4e5f`;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'CloudFormation StackSet StackInstance Status Change',
    source: 'aws.cloudformation',
    account: admin,
    time: options.time ?? '2024-05-02T12:00:00Z',
    region: 'us-east-1',
    resources: [stackSetArn],
    detail: {
      'stack-set-arn': stackSetArn,
      'stack-id': `arn:aws:cloudformation:${targetRegion}:${target}:stack/StackSet-baseline-0a1b2c3d/8d3c1f20-0871-11ef-9b3e-0a2b3c4d5e6f`,
      action: options.action ?? 'CREATE',
      'status-details': { status: 'CURRENT', 'detailed-status': options.detailedStatus ?? 'SUCCEEDED', 'status-reason': '' },
    },
  };
}

/**
 * A ScanPipelineHarness `scanSettings` that keeps the deployment's scan settings but times a scan
 * out after `seconds` (the deployment default is minutes, far longer than a test's scans).
 */
export function withScanTimeout(seconds: number): (settings: Record<string, unknown>) => Record<string, unknown> {
  return (settings) => ({ ...settings, polling: { ...(settings.polling as object), scanTimeoutSeconds: seconds } });
}
