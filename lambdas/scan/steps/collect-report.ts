/**
 * CollectReport: everything a notification needs about a finished scan, in one ScanReport.
 *
 * Posture per configured benchmark (for this job), failed assets (paged, unique per policy and
 * resource, bounded), the delta against the account's previous scan, and which failed assets
 * belong to the stacks deployed in this window. Then the scan is remembered (duration for the
 * polling plan, failures for the next delta). Safe to retry: the history write is keyed by job.
 */
import { executionConsoleUrl } from '../../core/aws/console-url.js';
import { systemClock, type Clock, type Log } from '../../core/ports.js';
import type { Deployment, ScanReport } from '../../notify/results.js';
import { estimateDuration } from '../domain/polling.js';
import type { CallOptions } from '../../core/http/http-client.js';
import type { StackRef, StackResourcesReader, ZcspmScanApi } from '../ports.js';
import { trackFailures, withoutLineage } from '../domain/finding-lineage.js';
import { buildScanReport, normalizeFailedAsset, stackOwner, toPosture, uniqueFailures, type StackResources } from '../domain/report.js';
import type { RememberedFailure, ScanHistoryStore } from '../adapters/scan-history-store.js';
import type { ScanWindowStore } from '../adapters/scan-window-store.js';
import type { ScanSettings } from '../settings.js';
import type { ScanState, WindowState } from '../domain/workflow-state.js';


export interface CollectReportDeps {
  readonly windows: Pick<ScanWindowStore, 'deployments'>;
  readonly history: Pick<ScanHistoryStore, 'previousRun' | 'recordRun'>;
  readonly zcspm: Pick<ZcspmScanApi, 'auditSummary' | 'failedAssets'>;
  readonly stacks: StackResourcesReader;
  readonly settings: ScanSettings;
  readonly log: Log;
  readonly clock?: Clock;
  readonly call?: CallOptions;
}

/** Deployments listed in one report; the state machine passes the report between states (256 KB limit). */
export const MAX_REPORT_DEPLOYMENTS = 200;

/** Builds the report of a succeeded scan and records it in the account's history. */
export async function collectReport(
  window: WindowState,
  scan: ScanState,
  deps: CollectReportDeps & { readonly executionId?: string | undefined },
): Promise<ScanReport> {
  const clock = deps.clock ?? systemClock;
  const accountId = window.zcspmAccountId;
  const deployments = await deps.windows.deployments(window);

  const benchmarks = [];
  let accountName: string | undefined;
  for (const benchmarkId of deps.settings.benchmarks) {
    const summary = await deps.zcspm.auditSummary(accountId, benchmarkId, { ...deps.call, jobId: scan.jobId });
    accountName ??= summary.accountName ?? undefined;
    benchmarks.push({ benchmarkId, benchmarkName: summary.benchmarkName ?? undefined, posture: toPosture(summary.posture) });
  }

  const { failures, truncated } = await readFailures(accountId, deps);
  const [stacks, previous] = await Promise.all([readStacks(deployments, deps), deps.history.previousRun(accountId, scan.jobId)]);

  const completedAt = scan.checkedAt ?? new Date(clock.now()).toISOString();
  const report = buildScanReport({
    zcspmAccountId: accountId,
    zcspmAccountName: accountName,
    awsAccountId: window.awsAccountId,
    region: deployments[0]?.region ?? window.region,
    jobId: scan.jobId,
    jobStatus: scan.jobStatus,
    deployments: deployments.slice(0, MAX_REPORT_DEPLOYMENTS),
    benchmarks,
    failures,
    truncated,
    previous: previous
      ? { jobId: previous.run.jobId, compliancePercent: previous.run.compliancePercent, failures: previous.failures.map(withoutLineage), truncated: previous.run.truncated }
      : undefined,
    stacks,
    startedAt: scan.startedAt,
    completedAt,
    isFollowUp: window.isFollowUp,
    links: links(deps.settings, deps.executionId),
    topFailures: deps.settings.topFailures,
    deltaListLimit: deps.settings.deltaListLimit,
  });

  await deps.history.recordRun(
    accountId,
    {
      jobId: scan.jobId,
      startedAt: scan.startedAt,
      completedAt,
      durationSeconds: estimateDuration(scan.detectedAfterSeconds ?? report.durationSeconds, scan.lastRunningAfterSeconds),
      compliancePercent: report.posture.compliancePercent,
      failedAssetCount: failures.length,
      truncated,
    },
    trackFailures(failures, previous?.failures, { seenAt: completedAt, ownerOf: stackOwner(stacks), deployments }),
  );
  deps.log.info('scan report built', {
    zcspmAccountId: accountId,
    jobId: scan.jobId,
    compliancePercent: report.posture.compliancePercent,
    failedAssets: report.failedAssetCount,
    newFailures: report.delta.newFailureCount,
    fixed: report.delta.fixedCount,
    deploymentFailures: report.deploymentFailureCount,
  });
  return report;
}

async function readFailures(accountId: string, deps: CollectReportDeps): Promise<{ failures: RememberedFailure[]; truncated: boolean }> {
  const all: RememberedFailure[] = [];
  let truncated = false;
  outer: for (const benchmarkId of deps.settings.benchmarks) {
    for await (const item of deps.zcspm.failedAssets(accountId, { benchmarkId, pageSize: deps.settings.failedAssetPageSize }, deps.call)) {
      if (all.length >= deps.settings.maxFailedAssets) {
        truncated = true;
        break outer;
      }
      const failure = normalizeFailedAsset(item);
      if (failure) all.push(failure);
    }
  }
  if (truncated) deps.log.warn('failed assets truncated', { accountId, limit: deps.settings.maxFailedAssets });
  return { failures: uniqueFailures(all), truncated };
}

/** Resources of each distinct deployed stack, a few stacks at a time. */
async function readStacks(deployments: readonly Deployment[], deps: CollectReportDeps): Promise<StackResources[]> {
  const unique = new Map<string, StackRef>();
  for (const deployment of deployments) {
    unique.set(deployment.stackId, {
      stackId: deployment.stackId,
      stackName: deployment.stackName,
      awsAccountId: deployment.awsAccountId,
      region: deployment.region,
    });
  }
  const refs = [...unique.values()];
  const out: StackResources[] = [];
  const concurrency = 4;
  for (let start = 0; start < refs.length; start += concurrency) {
    const batch = refs.slice(start, start + concurrency);
    const results = await Promise.all(batch.map((stack) => deps.stacks.listResources(stack, deps.call)));
    batch.forEach((stack, index) => out.push({ stack, resources: results[index] ?? [] }));
  }
  return out;
}

function links(settings: ScanSettings, executionId: string | undefined): ScanReport['links'] {
  return {
    ...(settings.zcspmPortalUrl ? { zcspm: settings.zcspmPortalUrl } : {}),
    ...(executionId ? { execution: executionConsoleUrl(executionId) } : {}),
  };
}

