/**
 * Pure pieces of the scan report: posture normalisation, failed-asset normalisation, the delta
 * against the previous scan (key = policyId + resourceId), matching failed assets to the resources
 * of the deployed stacks, ranking, and the final {@link ScanReport}.
 */
import type { Deployment, FailedAsset, Posture, ScanDelta, ScanReport } from '../../notify/results.js';
import type { PostureCounts } from '../../zscaler/zcspm/schemas.js';
import type { FailedAssetView, StackRef, StackResource } from '../ports.js';
import type { RememberedFailure } from '../adapters/scan-history-store.js';

/** Posture with every count present and the compliance percent computed the ZCSPM way when absent. */
export function toPosture(counts: PostureCounts | null | undefined): Posture {
  const green = count(counts?.green);
  const red = count(counts?.red);
  const amber = count(counts?.amber);
  const gray = count(counts?.gray);
  const total = Math.max(count(counts?.total), green + red + amber + gray);
  const scored = green + red + amber;
  const given = counts?.compliancePercent;
  const compliancePercent =
    typeof given === 'number' && Number.isFinite(given) ? clamp(given, 0, 100) : scored === 0 ? 0 : (green / scored) * 100;
  return { total, green, red, amber, gray, compliancePercent: Math.round(compliancePercent * 100) / 100 };
}

/** A usable failed asset, or `undefined` when ZCSPM sent one without policy or resource id. */
export function normalizeFailedAsset(view: FailedAssetView): RememberedFailure | undefined {
  const policyId = text(view.policyId);
  const resourceId = text(view.resourceId) ?? text(view.resourceName);
  if (!policyId || !resourceId) return undefined;
  const categoryName = text(view.categoryName);
  const region = text(view.resourceRegion);
  return {
    policyId,
    resourceId,
    resourceName: text(view.resourceName) ?? resourceId,
    resourceType: text(view.resourceType) ?? 'unknown',
    severity: text(view.impact) ?? 'Unknown',
    shortTitle: text(view.shortTitle) ?? policyId,
    ...(categoryName ? { categoryName } : {}),
    ...(region ? { region } : {}),
  };
}

/** Identity of one finding across scans: the same policy failing on the same resource. */
export function failureKey(failure: Pick<RememberedFailure, 'policyId' | 'resourceId'>): string {
  return `${failure.policyId}\u0000${failure.resourceId}`;
}

/** Drops repeated findings (the same asset can fail under several benchmarks), keeping the first. */
export function uniqueFailures<T extends Pick<RememberedFailure, 'policyId' | 'resourceId'>>(failures: readonly T[]): T[] {
  const seen = new Set<string>();
  return failures.filter((failure) => {
    const key = failureKey(failure);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The failures of the previous scan that the current one no longer has. None when the current list
 * was truncated: an absent failure may simply not have been read, so no fix is claimed.
 */
export function fixedSince<T extends Pick<RememberedFailure, 'policyId' | 'resourceId'>>(
  previous: readonly T[],
  current: ReadonlyArray<Pick<RememberedFailure, 'policyId' | 'resourceId'>>,
  currentTruncated: boolean,
): T[] {
  if (currentTruncated) return [];
  const now = new Set(current.map(failureKey));
  return previous.filter((failure) => !now.has(failureKey(failure)));
}

/** Severity rank, worst first; unknown severities last. */
export function severityRank(severity: string): number {
  const order = ['critical', 'high', 'moderate', 'medium', 'low', 'verylow'];
  const index = order.indexOf(severity.replace(/[\s_-]/g, '').toLowerCase());
  if (index === -1) return order.length;
  return index >= 3 ? index - 1 : index;
}

/** A deployed stack and its resources, as read through `StackResourcesReader`. */
export interface StackResources {
  readonly stack: StackRef;
  readonly resources: readonly StackResource[];
}

/**
 * Finds the stack a failed asset belongs to: its resource id or name equals a stack resource's
 * physical id, or the resource id is an ARN whose resource part ends in that physical id (and whose
 * account and Region, when the ARN names them, are the stack's). Returns the stack name or undefined.
 */
export function stackMatcher(stacks: readonly StackResources[]): (failure: RememberedFailure) => string | undefined {
  const owner = stackOwner(stacks);
  return (failure) => owner(failure)?.stackName;
}

/** Like {@link stackMatcher}, but returns the whole stack (its id too). */
export function stackOwner(stacks: readonly StackResources[]): (failure: RememberedFailure) => StackRef | undefined {
  const index = new Map<string, { stack: StackRef }>();
  for (const entry of stacks) {
    for (const resource of entry.resources) {
      for (const candidate of physicalCandidates(resource.physicalId)) {
        if (!index.has(candidate)) index.set(candidate, { stack: entry.stack });
      }
    }
  }
  return (failure) => {
    const arn = parseArn(failure.resourceId);
    for (const candidate of assetCandidates(failure, arn)) {
      const hit = index.get(candidate);
      if (!hit) continue;
      if (arn && arn.account && arn.account !== hit.stack.awsAccountId) continue;
      if (arn && arn.region && arn.region !== hit.stack.region) continue;
      return hit.stack;
    }
    return undefined;
  };
}

/** Physical ids shorter than this are too generic to match on their own. */
const MIN_MATCH_LENGTH = 3;

function physicalCandidates(physicalId: string): string[] {
  const out = [physicalId];
  // SQS queues (and a few others) report a URL; ARNs and names end in its last segment.
  if (/^https?:\/\//.test(physicalId)) out.push(physicalId.replace(/\/+$/, '').split('/').pop() ?? physicalId);
  return out.filter((value) => value.length >= MIN_MATCH_LENGTH);
}

function assetCandidates(failure: RememberedFailure, arn: ParsedArn | undefined): string[] {
  const out = [failure.resourceId, failure.resourceName];
  if (arn) {
    out.push(arn.resource);
    const lastSlash = arn.resource.split('/').pop();
    const lastColon = arn.resource.split(':').pop();
    if (lastSlash) out.push(lastSlash);
    if (lastColon) out.push(lastColon);
  }
  return out.filter((value) => value.length >= MIN_MATCH_LENGTH);
}

interface ParsedArn {
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

function parseArn(value: string): ParsedArn | undefined {
  const parts = value.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return { region: parts[3] ?? '', account: parts[4] ?? '', resource: parts.slice(5).join(':') };
}

/** The delta against the previous scan; lists are capped at `limit`, counts are exact. */
export function computeDelta(
  current: readonly FailedAsset[],
  previous: { jobId: string; compliancePercent: number; failures: readonly RememberedFailure[]; truncated: boolean } | undefined,
  compliancePercent: number,
  options: { limit: number; currentTruncated: boolean },
): ScanDelta {
  if (!previous) {
    return {
      previousJobId: null,
      newFailureCount: 0,
      fixedCount: 0,
      unchangedFailureCount: current.length,
      compliancePercentChange: null,
      newFailures: [],
      fixed: [],
    };
  }
  const before = new Set(previous.failures.map(failureKey));
  const added = current.filter((failure) => !before.has(failureKey(failure)));
  const fixed = fixedSince(previous.failures, current, options.currentTruncated).map((failure): FailedAsset => ({ ...failure, fromDeployment: false }));
  return {
    previousJobId: previous.jobId,
    newFailureCount: added.length,
    fixedCount: fixed.length,
    unchangedFailureCount: current.length - added.length,
    compliancePercentChange: Math.round((compliancePercent - previous.compliancePercent) * 100) / 100,
    newFailures: rankFailures(added).slice(0, options.limit),
    fixed: rankFailures(fixed).slice(0, options.limit),
  };
}

/** Worst first: the deployment's own failures, then by severity, then stable by policy and resource. */
export function rankFailures(failures: readonly FailedAsset[], isNew?: (failure: FailedAsset) => boolean): FailedAsset[] {
  return [...failures].sort(
    (a, b) =>
      Number(b.fromDeployment) - Number(a.fromDeployment) ||
      (isNew ? Number(isNew(b)) - Number(isNew(a)) : 0) ||
      severityRank(a.severity) - severityRank(b.severity) ||
      a.policyId.localeCompare(b.policyId) ||
      a.resourceId.localeCompare(b.resourceId),
  );
}

export interface ReportInput {
  readonly zcspmAccountId: string;
  readonly zcspmAccountName?: string | undefined;
  readonly awsAccountId: string;
  readonly region: string;
  readonly jobId: string;
  readonly jobStatus: string;
  readonly deployments: readonly Deployment[];
  readonly benchmarks: ReadonlyArray<{ benchmarkId: string; benchmarkName?: string | undefined; posture: Posture }>;
  /** Every failed asset read (unique per policy and resource). */
  readonly failures: readonly RememberedFailure[];
  readonly truncated: boolean;
  readonly previous?: { jobId: string; compliancePercent: number; failures: readonly RememberedFailure[]; truncated: boolean } | undefined;
  readonly stacks: readonly StackResources[];
  readonly startedAt: string;
  readonly completedAt: string;
  readonly isFollowUp: boolean;
  readonly links: ScanReport['links'];
  readonly topFailures: number;
  readonly deltaListLimit: number;
}

/** Assembles the report every notifier renders. */
export function buildScanReport(input: ReportInput): ScanReport {
  const matchStack = stackMatcher(input.stacks);
  const annotated: FailedAsset[] = input.failures.map((failure) => {
    const stackName = matchStack(failure);
    return stackName ? { ...failure, fromDeployment: true, stackName } : { ...failure, fromDeployment: false };
  });
  const headline = input.benchmarks[0]?.posture ?? toPosture(undefined);
  const delta = computeDelta(annotated, input.previous, headline.compliancePercent, {
    limit: input.deltaListLimit,
    currentTruncated: input.truncated,
  });
  const previousKeys = input.previous ? new Set(input.previous.failures.map(failureKey)) : undefined;
  const isNew = previousKeys ? (failure: FailedAsset) => !previousKeys.has(failureKey(failure)) : undefined;
  const started = Date.parse(input.startedAt);
  const completed = Date.parse(input.completedAt);
  return {
    kind: 'scan',
    awsAccountId: input.awsAccountId,
    region: input.region,
    zcspmAccountId: input.zcspmAccountId,
    ...(input.zcspmAccountName ? { zcspmAccountName: input.zcspmAccountName } : {}),
    jobId: input.jobId,
    jobStatus: input.jobStatus,
    deployments: [...input.deployments],
    posture: headline,
    benchmarks: input.benchmarks.map((benchmark) => ({
      benchmarkId: benchmark.benchmarkId,
      ...(benchmark.benchmarkName ? { benchmarkName: benchmark.benchmarkName } : {}),
      posture: benchmark.posture,
    })),
    delta,
    failedAssetCount: annotated.length,
    topFailures: rankFailures(annotated, isNew).slice(0, input.topFailures),
    deploymentFailureCount: annotated.filter((failure) => failure.fromDeployment).length,
    startedAt: input.startedAt,
    completedAt: input.completedAt,
    durationSeconds: Number.isFinite(completed - started) ? Math.max(0, Math.round((completed - started) / 1000)) : 0,
    isFollowUp: input.isFollowUp,
    links: input.links,
  };
}

function count(value: number | null | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

function text(value: string | null | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}
