/**
 * Facts every renderer and the router derive from a result the same way: a normalised
 * severity, an outcome, the EventBridge detail type, and the small formatting helpers whose
 * output must not depend on the machine (no locale, no time zone, no clock).
 */
import type { DiagnosticsReport, FailedAsset, PipelineResult, ScanReport } from '../results.js';

/**
 * The ZCSPM account's name when it adds something to the AWS account id: undefined when there is no
 * name, or when the name already contains the id (ZCSPM names are often `prod (111122223333)`), so
 * no renderer prints the id twice.
 */
export function distinctAccountName(report: Pick<ScanReport, 'zcspmAccountName' | 'awsAccountId'>): string | undefined {
  const name = report.zcspmAccountName?.trim();
  return name && !name.includes(report.awsAccountId) ? name : undefined;
}

/** Normalised severities, lowest first. ZCSPM `Moderate` is `medium`, `VeryLow` is `info`. */
export const SEVERITY_LEVELS = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type SeverityLevel = (typeof SEVERITY_LEVELS)[number];
/** `unknown` when the source value is not one we recognise (routing lets it through). */
export type ResultSeverity = SeverityLevel | 'unknown';

/** What happened, in words usable as an SNS filter value. */
export type ResultOutcome = 'new-failures' | 'no-new-failures' | 'clean' | 'diagnosed' | 'partially-diagnosed' | 'not-diagnosed' | 'failed';

export type EventDetailType = 'ScanCompleted' | 'ScanFailed' | 'DiagnosticsFirstLook' | 'DiagnosticsCompleted' | 'DiagnosticsFailed';

/** Maps ZCSPM impacts (Critical, High, Moderate, Low, VeryLow) and ZDX severities (High, Medium, Low). */
export function normalizeSeverity(raw: string | undefined): ResultSeverity {
  const key = (raw ?? '').toLowerCase().replace(/[\s_-]/g, '');
  if (key === 'critical') return 'critical';
  if (key === 'high') return 'high';
  if (key === 'medium' || key === 'moderate') return 'medium';
  if (key === 'low') return 'low';
  if (key === 'verylow' || key === 'info' || key === 'informational' || key === 'none') return 'info';
  return 'unknown';
}

/** Sort rank (higher is worse); `unknown` ranks with `medium` so it is neither buried nor promoted. */
export function severityRank(severity: ResultSeverity): number {
  return severity === 'unknown' ? 2 : SEVERITY_LEVELS.indexOf(severity);
}

/**
 * The severity of a whole result: for a scan the worst severity among the failures it
 * introduced (`info` when it introduced none), for diagnostics the alert's severity, and
 * `high` for a failed pipeline run.
 */
export function resultSeverity(result: PipelineResult): ResultSeverity {
  if (result.kind === 'failure') return 'high';
  if (result.kind === 'diagnostics') return normalizeSeverity(result.alert.severity);
  if (result.delta.newFailureCount === 0) return 'info';
  let worst: ResultSeverity | undefined;
  for (const asset of result.delta.newFailures) {
    const severity = normalizeSeverity(asset.severity);
    if (worst === undefined || severityRank(severity) > severityRank(worst)) worst = severity;
  }
  return worst === undefined || worst === 'unknown' ? 'medium' : worst;
}

export function resultOutcome(result: PipelineResult): ResultOutcome {
  if (result.kind === 'failure') return 'failed';
  if (result.kind === 'scan') {
    if (result.delta.newFailureCount > 0) return 'new-failures';
    return result.failedAssetCount === 0 ? 'clean' : 'no-new-failures';
  }
  const { diagnosed } = result.summary;
  if (diagnosed > 0 && diagnosed >= result.devices.length) return 'diagnosed';
  return diagnosed > 0 ? 'partially-diagnosed' : 'not-diagnosed';
}

export function eventDetailType(result: PipelineResult): EventDetailType {
  if (result.kind === 'scan') return 'ScanCompleted';
  if (result.kind === 'diagnostics') return result.phase === 'first-look' ? 'DiagnosticsFirstLook' : 'DiagnosticsCompleted';
  return result.pipeline === 'scan' ? 'ScanFailed' : 'DiagnosticsFailed';
}

/** The AWS account a result concerns, when it concerns one (diagnostics never do). */
export function resultAwsAccount(result: PipelineResult): string | undefined {
  if (result.kind === 'scan') return result.awsAccountId;
  if (result.kind === 'failure') return result.awsAccountId ?? result.deployments[0]?.awsAccountId;
  return undefined;
}

/** Failures ordered for display: the deployment's own first, then worst severity, stable otherwise. */
export function orderFailures(failures: readonly FailedAsset[]): FailedAsset[] {
  return failures
    .map((asset, index) => ({ asset, index }))
    .sort(
      (a, b) =>
        Number(b.asset.fromDeployment) - Number(a.asset.fromDeployment) ||
        severityRank(normalizeSeverity(b.asset.severity)) - severityRank(normalizeSeverity(a.asset.severity)) ||
        a.index - b.index,
    )
    .map(({ asset }) => asset);
}

/** Diagnosed devices first, in their original order. */
export function orderDevices(devices: DiagnosticsReport['devices']): DiagnosticsReport['devices'] {
  return [...devices.filter((d) => d.status === 'diagnosed'), ...devices.filter((d) => d.status !== 'diagnosed')];
}

/** The scan's headline sentence (no user-controlled text in it). */
export function scanHeadline(report: ScanReport): string {
  const { delta } = report;
  const who = report.deployments.length > 1 ? `These ${report.deployments.length} deployments` : 'This deployment';
  const prefix = report.isFollowUp ? 'Follow-up scan: ' : '';
  if (delta.previousJobId === null) {
    const failing = report.failedAssetCount === 0 ? 'no failing assets' : plural(report.failedAssetCount, 'failing asset');
    return `${prefix}First scan of this account: ${failing}.`;
  }
  if (delta.newFailureCount > 0) {
    const fixed = delta.fixedCount > 0 ? ` and fixed ${formatCount(delta.fixedCount)}` : '';
    return `${prefix}${who} introduced ${plural(delta.newFailureCount, 'new failure')}${fixed}.`;
  }
  if (delta.fixedCount > 0) return `${prefix}No new failures; ${who.toLowerCase()} fixed ${formatCount(delta.fixedCount)}.`;
  const remaining = report.failedAssetCount === 0 ? 'No failing assets.' : `${plural(report.failedAssetCount, 'failing asset')} remain.`;
  return `${prefix}No new failures. ${remaining}`;
}

/** Why a device was (not) diagnosed; phrased to follow a count or a device name. */
export const DEVICE_OUTCOME_LABEL: Record<DiagnosticsReport['devices'][number]['status'], string> = {
  diagnosed: 'diagnosed',
  failed: 'with a failed trace',
  expired: 'with an expired trace',
  skipped_cooldown: 'in cooldown',
  skipped_budget: 'not traced for lack of ZDX API budget',
  capped: 'over the tenant trace cap',
  no_probe: 'without a probe for the app',
  error: 'with an error',
  first_look: 'with a first look only (deep trace pending)',
};

/** `72.5%`, `100%`; one decimal at most. */
export function formatPercent(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}%`;
}

/** `+1.2 pts`, `-3 pts`; `null` -> undefined. */
export function formatPointChange(value: number | null): string | undefined {
  if (value === null || !Number.isFinite(value)) return undefined;
  const rounded = Math.round(value * 10) / 10;
  if (rounded === 0) return 'no change';
  const body = Number.isInteger(rounded) ? Math.abs(rounded).toFixed(0) : Math.abs(rounded).toFixed(1);
  return `${rounded > 0 ? '+' : '-'}${body} pts`;
}

/** Number of filled cells out of `cells`; 100% only when fully compliant, 1 cell for anything above 0. */
export function filledCells(percent: number, cells = 10): number {
  const raw = Math.round((percent / 100) * cells);
  if (percent >= 100) return cells;
  if (percent <= 0) return 0;
  return Math.min(cells - 1, Math.max(1, raw));
}

/** Thousands separated with commas, independent of the machine's locale. */
export function formatCount(value: number): string {
  return String(Math.trunc(value)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${formatCount(count)} ${count === 1 ? one : many}`;
}

/** Epoch seconds of an ISO timestamp or epoch seconds/milliseconds; undefined when unusable. */
export function toEpochSeconds(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value <= 0) return undefined;
    return Math.floor(value > 1e12 ? value / 1000 : value);
  }
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

/** `2025-11-22 08:42 UTC`; undefined when the value is no usable time. */
export function formatUtc(value: string | number | undefined): string | undefined {
  const seconds = toEpochSeconds(value);
  if (seconds === undefined) return undefined;
  const iso = new Date(seconds * 1000).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** `45 s`, `4 min 10 s`, `2 h 5 min`. */
export function formatDuration(totalSeconds: number): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) {
    const rest = seconds % 60;
    return rest === 0 ? `${Math.floor(seconds / 60)} min` : `${Math.floor(seconds / 60)} min ${rest} s`;
  }
  const minutes = Math.floor((seconds % 3600) / 60);
  return minutes === 0 ? `${Math.floor(seconds / 3600)} h` : `${Math.floor(seconds / 3600)} h ${minutes} min`;
}
