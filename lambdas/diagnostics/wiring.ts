/**
 * Composition of the alert-diagnostics functions: what each handler needs, built once per container
 * on first use and reused while warm. Nothing is built at import, so a handler pays only for what it
 * touches (the slot functions never load the HTTP client; only the intake loads Step Functions).
 *
 * Every ZDX call goes through one client whose every attempt, token requests included, draws from
 * the tenant's SharedRateBudget in DynamoDB, so all functions together stay under ZDX's limits.
 * Environment variables are read through zod the first time they are needed.
 */
import * as z from 'zod';
import { SharedTokenCache, tokenCacheKey } from '../core/auth/token-cache.js';
import { EnvVar, readEnv } from '../core/config.js';
import { HttpClient } from '../core/http/http-client.js';
import type { CorrelationIds } from '../core/observability/logger.js';
import { SharedRateBudget } from '../core/rate-budget/shared-rate-budget.js';
import { WebhookCredentials, ZdxCredentials, ZdxOneApiCredentials } from '../core/secrets/schemas.js';
import { TableStore } from '../core/store/table-store.js';
import { ConfigError } from '../core/errors.js';
import type { FetchedToken } from '../core/auth/token-cache.js';
import { ZdxClient, fetchZdxToken } from '../zscaler/zdx/client.js';
import { ZDX_PATH_PREFIX, fetchOneApiToken, tokenEndpoint } from '../zscaler/zdx/oneapi.js';
import { AlertLedger } from './adapters/alert-ledger.js';
import { DeviceCooldown } from './adapters/device-cooldown.js';
import { DIAGNOSTICS_SETTINGS_ENV, parseDiagnosticsSettings, type DiagnosticsSettings } from './settings.js';
import { TraceSlots } from './adapters/trace-slots.js';
import type { ExecutionStarter } from './domain/workflow-input.js';
import { StepFunctionsExecutionStarter } from '../core/aws/step-functions-starter.js';
import { dynamo, once, secrets, tableName } from '../core/wiring.js';
import { meteredRateLimiter } from '../core/observability/metrics.js';

let settingsCache: { raw: string | undefined; value: DiagnosticsSettings } | undefined;

/** `DIAGNOSTICS_SETTINGS`, validated (parsed again only when the variable changes, e.g. between local runs). */
export function settings(): DiagnosticsSettings {
  const raw = process.env[DIAGNOSTICS_SETTINGS_ENV];
  if (settingsCache === undefined || settingsCache.raw !== raw) settingsCache = { raw, value: parseDiagnosticsSettings(process.env) };
  return settingsCache.value;
}

const store = /* @__PURE__ */ once(() => new TableStore({ dynamo: dynamo(), tableName: tableName() }));

export const alertLedger = /* @__PURE__ */ once(() => new AlertLedger({ store: store(), retentionDays: settings().alertRetentionDays }));
export const deviceCooldown = /* @__PURE__ */ once(() => new DeviceCooldown({ store: store() }));
export const traceSlots = /* @__PURE__ */ once(() => new TraceSlots({ store: store(), pool: settings().slotPool }));

const webhookSecretArn = /* @__PURE__ */ once(() => readEnv(z.object({ WEBHOOK_SECRET_ARN: EnvVar.WEBHOOK_SECRET_ARN })).WEBHOOK_SECRET_ARN);

/** The webhook credential ZDX must present (from `WEBHOOK_SECRET_ARN`, read once; the value is cached by the secrets provider). */
export async function webhookCredential(): Promise<WebhookCredentials> {
  return (await secrets()).get(webhookSecretArn(), WebhookCredentials);
}

const zdxEnv = /* @__PURE__ */ once(() =>
  readEnv(
    z.object({
      ZDX_BASE_URL: EnvVar.ZDX_BASE_URL,
      ZDX_SECRET_ARN: EnvVar.ZDX_SECRET_ARN,
      ZDX_AUTH: EnvVar.ZDX_AUTH,
      ZDX_TOKEN_URL: EnvVar.ZDX_TOKEN_URL,
      ZDX_RATE_PER_SECOND: EnvVar.ZDX_RATE_PER_SECOND,
      ZDX_RATE_PER_MINUTE: EnvVar.ZDX_RATE_PER_MINUTE,
      ZDX_RATE_PER_HOUR: EnvVar.ZDX_RATE_PER_HOUR,
      ZDX_RATE_PER_DAY: EnvVar.ZDX_RATE_PER_DAY,
      ZDX_RATE_SHARE: EnvVar.ZDX_RATE_SHARE,
      ZDX_RATE_SAFETY_MARGIN: EnvVar.ZDX_RATE_SAFETY_MARGIN,
      ZDX_RATE_WINDOW_SCALE: EnvVar.ZDX_RATE_WINDOW_SCALE,
      ZDX_RATE_LATENCY_ALLOWANCE_MS: EnvVar.ZDX_RATE_LATENCY_ALLOWANCE_MS,
    }),
  ),
);

/**
 * The tenant's shared budget: one per ZDX host, whichever function or pipeline calls; it takes
 * `ZDX_RATE_SHARE` of each of the four windows.
 */
export const zdxRateBudget = /* @__PURE__ */ once(() => {
  const env = zdxEnv();
  return new SharedRateBudget({
    dynamo: dynamo(),
    tableName: tableName(),
    budgetKey: `zdx:${new URL(env.ZDX_BASE_URL).host}`,
    perSecond: env.ZDX_RATE_PER_SECOND,
    perMinute: env.ZDX_RATE_PER_MINUTE,
    perHour: env.ZDX_RATE_PER_HOUR,
    perDay: env.ZDX_RATE_PER_DAY,
    share: env.ZDX_RATE_SHARE,
    safetyMargin: env.ZDX_RATE_SAFETY_MARGIN,
    windowScale: env.ZDX_RATE_WINDOW_SCALE,
    latencyAllowanceMs: env.ZDX_RATE_LATENCY_ALLOWANCE_MS,
  });
});

const zdxHttp = /* @__PURE__ */ once(() => new HttpClient({ baseUrl: zdxEnv().ZDX_BASE_URL }));

let zdxCache: { fingerprint: string; client: ZdxClient } | undefined;

/** The ZIdentity host of `ZDX_TOKEN_URL` (OneAPI only). */
const zidentityHttp = /* @__PURE__ */ once(() => new HttpClient({ baseUrl: tokenEndpoint(requiredTokenUrl()).origin }));

/** `ZDX_TOKEN_URL`, which OneAPI needs (the deployment config requires it with `ZDX_AUTH=oneapi`). */
function requiredTokenUrl(): string {
  const url = zdxEnv().ZDX_TOKEN_URL;
  if (url === undefined) throw new ConfigError('ZDX_TOKEN_URL is required when ZDX_AUTH is oneapi');
  return url;
}

/**
 * The token strategy of `ZDX_AUTH`: the legacy ZDX API key (its token call draws from the ZDX budget
 * like every ZDX call), or a ZIdentity API client through OneAPI (ZIdentity is not the ZDX gateway).
 * `identity` names the credential in the cache key; `fingerprint` changes with any of its values.
 */
async function zdxTokenStrategy(): Promise<{ identity: string; fingerprint: string; fetchToken: (signal?: AbortSignal) => Promise<FetchedToken> }> {
  const env = zdxEnv();
  const store = await secrets();
  if (env.ZDX_AUTH === 'oneapi') {
    const credentials = await store.get(env.ZDX_SECRET_ARN, ZdxOneApiCredentials);
    const tokenUrl = requiredTokenUrl();
    const { path } = tokenEndpoint(tokenUrl);
    return {
      identity: tokenCacheKey('zdx-oneapi', tokenUrl, env.ZDX_BASE_URL, credentials.clientId),
      fingerprint: tokenCacheKey('zdx-oneapi', tokenUrl, env.ZDX_BASE_URL, credentials.clientId, credentials.clientSecret ?? '', credentials.privateKey ?? ''),
      fetchToken: (signal) => fetchOneApiToken(zidentityHttp(), path, credentials, undefined, { signal }),
    };
  }
  const credentials = await store.get(env.ZDX_SECRET_ARN, ZdxCredentials);
  const http = zdxHttp();
  const rateLimiter = zdxRateBudget();
  return {
    identity: tokenCacheKey('zdx', env.ZDX_BASE_URL, credentials.keyId),
    fingerprint: tokenCacheKey('zdx', env.ZDX_BASE_URL, credentials.keyId, credentials.keySecret),
    fetchToken: (signal) => fetchZdxToken(http, credentials, undefined, { rateLimiter, signal, secretId: env.ZDX_SECRET_ARN }),
  };
}

/**
 * The ZDX client: tokens from the shared DynamoDB cache (fetched by the `ZDX_AUTH` strategy), every
 * ZDX attempt through the shared rate budget. Rebuilt only when the credential in Secrets Manager changed.
 */
export async function zdxClient(): Promise<ZdxClient> {
  const env = zdxEnv();
  const strategy = await zdxTokenStrategy();
  if (zdxCache?.fingerprint === strategy.fingerprint) return zdxCache.client;
  const http = zdxHttp();
  // Counted from outside the budget (ZdxCallsAdmitted, ZdxBudgetWaitMs) for the dashboard.
  const rateLimiter = meteredRateLimiter(zdxRateBudget());
  const tokens = new SharedTokenCache({
    dynamo: dynamo(),
    tableName: tableName(),
    cacheKey: strategy.identity,
    fetchToken: strategy.fetchToken,
  });
  const client = new ZdxClient({ http, tokens, rateLimiter, pathPrefix: ZDX_PATH_PREFIX[env.ZDX_AUTH] });
  const fingerprint = strategy.fingerprint;
  zdxCache = { fingerprint, client };
  return client;
}

/** Starts "AlertDiagnostics" executions (the Step Functions client is loaded on first use). */
export const executionStarter = /* @__PURE__ */ once((): ExecutionStarter => new StepFunctionsExecutionStarter('DIAGNOSTICS_STATE_MACHINE_ARN'));

/** Correlation ids of an AlertDiagnostics state: execution name, alert id, trace id. */
export function diagnosticsCorrelationIds(input: unknown): CorrelationIds {
  const state = (typeof input === 'object' && input !== null ? input : {}) as {
    executionName?: unknown;
    alertId?: unknown;
    input?: { alert?: { alertId?: unknown } };
    trace?: { traceId?: unknown };
    alert?: { alertId?: unknown };
  };
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  return {
    executionName: text(state.executionName),
    alertId: text(state.alertId) ?? text(state.input?.alert?.alertId) ?? text(state.alert?.alertId),
    traceId: text(state.trace?.traceId),
  };
}
