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
import * as z from 'zod';
import { EnvVar, readEnv } from '../core/config.js';
import { InvalidInputError, describeIssues } from '../core/errors.js';
import type { CorrelationIds } from '../core/observability/logger.js';
import { createDynamoClient } from '../core/store/dynamo-client.js';
import type { CallOptions } from './ports.js';
import { ScanHistoryStore } from './adapters/scan-history-store.js';
import { ScanWindowStore } from './adapters/scan-window-store.js';
import { parseAccountMappings, parseScanSettings, type AccountMappings, type ScanSettings } from './settings.js';
import type { HandlerContext } from '../core/observability/middleware.js';
import { once } from '../core/wiring.js';

export { once, secrets } from '../core/wiring.js';

const tableEnv = /* @__PURE__ */ once(() =>
  readEnv(z.object({ TABLE_NAME: EnvVar.TABLE_NAME, DYNAMODB_ENDPOINT: EnvVar.DYNAMODB_ENDPOINT, AWS_REGION: EnvVar.AWS_REGION })),
);

/** `SCAN_SETTINGS`, validated. */
export const scanSettings: () => ScanSettings = /* @__PURE__ */ once(() => parseScanSettings(process.env));

/** `ACCOUNT_MAPPINGS`, validated. */
export const accountMappings: () => AccountMappings = /* @__PURE__ */ once(() => parseAccountMappings(process.env));

/** The DynamoDB client (DynamoDB Local when `DYNAMODB_ENDPOINT` is set). */
export const dynamo = /* @__PURE__ */ once(() => createDynamoClient({ endpoint: tableEnv().DYNAMODB_ENDPOINT, region: tableEnv().AWS_REGION }));

/** The state table's name. */
export const tableName = (): string => tableEnv().TABLE_NAME;

export const windowStore = /* @__PURE__ */ once(
  () => new ScanWindowStore({ dynamo: dynamo(), tableName: tableName(), retentionDays: scanSettings().retentionDays }),
);

export const historyStore = /* @__PURE__ */ once(
  () => new ScanHistoryStore({ dynamo: dynamo(), tableName: tableName(), retentionDays: scanSettings().retentionDays }),
);

/** The abort signal and deadline of this invocation, for every downstream call. */
export function callOptions(context: HandlerContext): CallOptions {
  return { signal: context.signal, deadline: Number.isFinite(context.deadline) ? context.deadline : undefined };
}

/**
 * Parses a state machine step's input. A mismatch means the definition and the handler drifted:
 * InvalidInputError (not retried) names the step and each bad path.
 */
export function parseStepInput<S extends z.ZodType>(schema: S, input: unknown, step: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = describeIssues(parsed.error.issues);
  throw new InvalidInputError(`${step} received an invalid state: ${issues.join('; ')}`, issues, { cause: parsed.error });
}

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
