/**
 * Composition of the post-deploy scan functions: what each handler needs, built once per container
 * on first use and reused while warm. Nothing is built at import: a handler pays only for what it
 * touches (GetScanStatus never builds a store). The ZCSPM client lives in zcspm-wiring.ts, which
 * ScanRequest never imports; the CloudFormation and Step Functions adapters are imported by the one
 * handler that uses each.
 *
 * Every environment variable is read through zod (`readEnv`) the first time it is needed, so a
 * misconfigured function fails on its first invocation with the variable's name.
 */
import type { CorrelationIds } from '../core/observability/logger.js';
import { dynamo, once, tableName } from '../core/wiring.js';
import { ScanHistoryStore } from './adapters/scan-history-store.js';
import { ScanWindowStore } from './adapters/scan-window-store.js';
import { parseAccountMappings, parseScanSettings, type AccountMappings, type ScanSettings } from './settings.js';

/** `SCAN_SETTINGS`, validated. */
export const scanSettings: () => ScanSettings = /* @__PURE__ */ once(() => parseScanSettings(process.env));

/** `ACCOUNT_MAPPINGS`, validated. */
export const accountMappings: () => AccountMappings = /* @__PURE__ */ once(() => parseAccountMappings(process.env));

export const windowStore = /* @__PURE__ */ once(
  () => new ScanWindowStore({ dynamo: dynamo(), tableName: tableName(), retentionDays: scanSettings().retentionDays }),
);

export const historyStore = /* @__PURE__ */ once(
  () => new ScanHistoryStore({ dynamo: dynamo(), tableName: tableName(), retentionDays: scanSettings().retentionDays }),
);

/** Correlation ids of a PostDeployScan state: execution name, job id, ZCSPM account. */
export function scanCorrelationIds(input: unknown): CorrelationIds {
  const state = (typeof input === 'object' && input !== null ? input : {}) as {
    executionId?: unknown;
    window?: { zcspmAccountId?: unknown };
    scan?: { jobId?: unknown };
    state?: unknown;
  };
  if (state.state !== undefined && state.window === undefined) return scanCorrelationIds(state.state);
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  return {
    executionName: text(state.executionId)?.split(':').pop(),
    jobId: text(state.scan?.jobId),
    accountId: text(state.window?.zcspmAccountId),
  };
}
