/**
 * Renders a result as one EventBridge `PutEvents` entry so other tools can subscribe:
 * source `zsa`, detail type `ScanCompleted` | `ScanFailed` | `DiagnosticsFirstLook` | `DiagnosticsCompleted` |
 * `DiagnosticsFailed`, and the result itself as the detail (trimmed with a `truncated` note when
 * the entry would exceed {@link EVENT_LIMITS}). Pure and deterministic.
 */
import type { PipelineResult } from '../results.js';
import { fitResultJson } from './fit-json.js';
import { eventDetailType, resultOutcome, resultSeverity, type EventDetailType } from './result-facts.js';
import { truncate, utf8Length } from './text.js';

export const EVENT_SOURCE = 'zsa';

export const EVENT_LIMITS = {
  /** PutEvents entries must be smaller than 256 KiB (Time + Source + DetailType + Detail + Resources). */
  maxEntryBytes: 256 * 1024 - 1,
} as const;

/** A `PutEventsRequestEntry` with the fields this project sets. */
export interface ResultEventEntry {
  readonly Source: typeof EVENT_SOURCE;
  readonly DetailType: EventDetailType;
  /** JSON object: the result (possibly trimmed), plus `severity` and `outcome` for rule patterns. */
  readonly Detail: string;
  readonly EventBusName: string;
}

export interface EventRenderOptions {
  /** Bus name or ARN; `default` when not given. */
  readonly eventBusName?: string;
}

/** Renders a result as a PutEvents entry; see the module comment. */
export function renderEvent(result: PipelineResult, options: EventRenderOptions = {}): ResultEventEntry {
  const DetailType = eventDetailType(result);
  const fixed = utf8Length(EVENT_SOURCE) + utf8Length(DetailType);
  // `severity` and `outcome` are derived, so rule patterns can match them without parsing the
  // report: { "detail": { "outcome": ["new-failures"] } }.
  const enriched = { ...result, severity: resultSeverity(result), outcome: resultOutcome(result) };
  const fitted = fitResultJson(enriched, EVENT_LIMITS.maxEntryBytes - fixed);
  const Detail = fitted?.json ?? JSON.stringify(minimalDetail(result));
  return { Source: EVENT_SOURCE, DetailType, Detail, EventBusName: options.eventBusName ?? 'default' };
}

/** Bytes EventBridge counts for an entry (Time is not set, so it is not counted). */
export function eventEntrySize(entry: Pick<ResultEventEntry, 'Source' | 'DetailType' | 'Detail'>): number {
  return utf8Length(entry.Source) + utf8Length(entry.DetailType) + utf8Length(entry.Detail);
}

// Only reached when even the most trimmed copy is too big (for example a record with huge
// keys): the identifiers and counts, each cut short.
function minimalDetail(result: PipelineResult): Record<string, unknown> {
  const cut = (value: string | undefined) => (value === undefined ? undefined : truncate(value, 200));
  const base = {
    kind: result.kind,
    severity: resultSeverity(result),
    outcome: resultOutcome(result),
    truncated: { note: 'The result was too large for an event; only identifiers and counts are included.' },
  };
  if (result.kind === 'scan') {
    return {
      ...base,
      awsAccountId: cut(result.awsAccountId),
      region: cut(result.region),
      zcspmAccountId: cut(result.zcspmAccountId),
      jobId: cut(result.jobId),
      posture: result.posture,
      failedAssetCount: result.failedAssetCount,
      newFailureCount: result.delta.newFailureCount,
      fixedCount: result.delta.fixedCount,
    };
  }
  if (result.kind === 'diagnostics') {
    const { verdict, diagnosed, notDiagnosed } = result.summary;
    return { ...base, alertId: cut(result.alert.alertId), verdict, diagnosed, notDiagnosed };
  }
  return {
    ...base,
    pipeline: result.pipeline,
    reason: cut(result.reason),
    awsAccountId: cut(result.awsAccountId),
    alertId: cut(result.alertId),
    jobId: cut(result.jobId),
  };
}
