/**
 * What the functions' environments get from the deployment configuration. The Lambdas own the
 * variable names (lambdas/core/config.ts `EnvVar`, the settings modules of scan, diagnostics and
 * notify) and the shapes of the JSON documents: each document here is typed as the input of the
 * schema that parses it at cold start, so the compiler rejects a key the runtime would not read.
 */
import type * as logs from 'aws-cdk-lib/aws-logs';
import type * as z from 'zod';
import type { EnvVarName } from '../../lambdas/core/config.js';
import type { DiagnosticsSettingsSchema } from '../../lambdas/diagnostics/settings.js';
import type { NotificationSettingsInput, SecurityHubSettingsSchema } from '../../lambdas/notify/settings.js';
import { ACCOUNT_MAPPINGS_ENV, ACCOUNT_MAPPINGS_FILE_ENV, ACCOUNT_MAPPINGS_FILE_NAME, type ScanSettingsSchema } from '../../lambdas/scan/settings.js';
import { zidentityTokenUrl } from '../../lambdas/zscaler/zdx/oneapi.js';
import type { ZsaConfig } from './schema.js';

/** What the pipeline constructs need from the configuration, in CDK terms. */
export interface IntegrationSettings {
  /** The validated configuration. */
  readonly config: ZsaConfig;
  /** Retention of every log group (Lambda and state machine). */
  readonly logRetention: logs.RetentionDays;
  /**
   * Pass as `defaults` to every `TeamFunction`: log retention and {@link coreEnv}. The workflow
   * constructs add each JSON document only to the functions that read it, so that no function's
   * environment outgrows Lambda's 4 KB.
   */
  readonly functionDefaults: { readonly logRetention: logs.RetentionDays; readonly environment: Readonly<Record<string, string>> };
}

/** The {@link IntegrationSettings} of a validated configuration. */
export function integrationSettings(config: ZsaConfig): IntegrationSettings {
  const logRetention = config.logRetentionDays as logs.RetentionDays;
  return { config, logRetention, functionDefaults: { logRetention, environment: coreEnv(config) } };
}

/**
 * The discrete variables every Zscaler-facing function reads through `EnvVar`: API hosts, how ZDX
 * authenticates, license, ZCSPM token lifetime and the tenant's ZDX rate limits. Small enough to give
 * to every function.
 */
export function coreEnv(config: ZsaConfig): Readonly<Record<string, string>> {
  const oneApi = config.zdx.auth === 'oneapi';
  return {
    ZDX_BASE_URL: oneApi ? config.zdx.oneApiBaseUrl : config.zdxBaseUrl,
    ZDX_AUTH: config.zdx.auth,
    ...(oneApi ? { ZDX_TOKEN_URL: config.zdx.tokenUrl ?? zidentityTokenUrl(config.zdx.vanityDomain ?? '') } : {}),
    ZCSPM_BASE_URL: config.zcspmBaseUrl,
    ZCSPM_LICENSE_ID: config.zcspmLicenseId,
    ZCSPM_TOKEN_LIFETIME_SECONDS: String(config.scan.zcspmTokenLifetimeMinutes * 60),
    ZDX_RATE_PER_SECOND: String(config.diagnostics.zdxRatePerSecond),
    ZDX_RATE_PER_MINUTE: String(config.diagnostics.zdxRatePerMinute),
    ZDX_RATE_PER_HOUR: String(config.diagnostics.zdxRatePerHour),
    ZDX_RATE_PER_DAY: String(config.diagnostics.zdxRatePerDay),
    ZDX_RATE_SHARE: String(config.diagnostics.zdxRateShare),
  } satisfies Partial<Record<EnvVarName, string>>;
}

/**
 * `SCAN_SETTINGS` for the scan functions. `ownStack` (the integration stack's name or id, tokens
 * allowed) is added by the workflow construct with `Stack.toJsonString`; StackSet triggering
 * (`includeStackSetInstances`) is decided by the rule.
 */
export function scanSettings(config: ZsaConfig): z.input<typeof ScanSettingsSchema> {
  const { scan } = config;
  return {
    triggerStatuses: scan.triggerStatuses,
    ...(scan.stackNameInclude.length > 0 ? { includeStacks: scan.stackNameInclude } : {}),
    excludeStacks: scan.stackNameExclude,
    accounts: scan.accounts,
    regions: scan.regions,
    debounceSeconds: scan.debounceSeconds,
    benchmarks: scan.benchmarks,
    polling: {
      minIntervalSeconds: scan.minPollIntervalSeconds,
      maxIntervalSeconds: scan.maxPollIntervalSeconds,
      scanTimeoutSeconds: scan.timeoutMinutes * 60,
    },
  };
}

/**
 * Largest `ACCOUNT_MAPPINGS` value put in ScanRequest's environment (about 16 accounts). Above it the
 * mappings travel only in the bundled file ({@link accountMappingsFile}), so the function's 4 KB
 * environment stays small whatever the organization's size.
 */
export const ACCOUNT_MAPPINGS_INLINE_MAX_BYTES = 1024;

/**
 * `{ "<aws account id>": "<zcspm guid>" }` as compact JSON: the content of ScanRequest's bundled
 * `ACCOUNT_MAPPINGS_FILE_NAME`. No size limit: Lambda reads it from the deployment package
 * (about 60 bytes per account, so 10,000 accounts are 600 KB of a 250 MB package).
 */
export function accountMappingsFile(config: ZsaConfig): string {
  return JSON.stringify(Object.fromEntries(config.accountMappings.map((mapping) => [mapping.awsAccountId, mapping.zcspmAccountId])));
}

/**
 * ScanRequest's mapping variables: always `ACCOUNT_MAPPINGS_FILE` (the bundled file is the source in
 * Lambda), plus `ACCOUNT_MAPPINGS` when the JSON takes at most {@link ACCOUNT_MAPPINGS_INLINE_MAX_BYTES},
 * for local in-process runs (the sandbox reads function environments from the template).
 */
export function accountMappingsEnv(config: ZsaConfig) {
  const json = accountMappingsFile(config);
  return {
    [ACCOUNT_MAPPINGS_FILE_ENV]: ACCOUNT_MAPPINGS_FILE_NAME,
    ...(Buffer.byteLength(json, 'utf8') <= ACCOUNT_MAPPINGS_INLINE_MAX_BYTES ? { [ACCOUNT_MAPPINGS_ENV]: json } : {}),
  };
}

/** `DIAGNOSTICS_SETTINGS` for the diagnostics functions. */
export function diagnosticsSettings(config: ZsaConfig): z.input<typeof DiagnosticsSettingsSchema> {
  const { diagnostics } = config;
  return {
    minSeverity: diagnostics.minSeverity,
    perAlertDeviceCap: diagnostics.maxDevicesPerAlert,
    deviceCooldownMinutes: diagnostics.deviceCooldownMinutes,
    tenantTraceSlots: diagnostics.tenantTraceCap,
    sessionLengthMinutes: diagnostics.sessionLengthMinutes,
    probeDevice: diagnostics.probeDevice,
    firstLookScoreAnalysis: diagnostics.firstLookScoreAnalysis,
    webhookMaxBodyBytes: config.webhook.maxBodyBytes,
  };
}

/**
 * `NOTIFICATION_SETTINGS` for every notifying function. The topic ARN is a deploy-time token:
 * serialize the result with `Stack.of(scope).toJsonString(...)`.
 */
export function notificationSettings(config: ZsaConfig, refs: { readonly topicArn: string }): NotificationSettingsInput {
  const { environment, slack, sns, eventBridge } = config.notifications;
  type Route = Pick<ZsaConfig['notifications']['slack'], 'enabled' | 'kinds' | 'minSeverity' | 'scan'>;
  const route = ({ enabled, kinds, minSeverity, scan }: Route) => ({ enabled, kinds, minSeverity, scan });
  return {
    ...(environment ? { environment } : {}),
    slack: { ...route(slack), mode: slack.mode },
    sns: { ...route(sns), topicArn: refs.topicArn },
    eventBridge: { ...route(eventBridge), eventBusName: eventBridge.busName },
  };
}

/** The deploying stack's account, Region and partition (tokens allowed) for the Security Hub channel. */
export interface SecurityHubRefs {
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
}

/**
 * `SECURITY_HUB_SETTINGS` for the scan's notify function, the only one with findings to import;
 * undefined when Security Hub is off. Apart from `NOTIFICATION_SETTINGS` so every notifying function
 * keeps the same channel settings. `partition` stays a string: it is a deploy-time token.
 */
export function securityHubSettings(
  config: ZsaConfig,
  refs: SecurityHubRefs,
): (Omit<z.input<typeof SecurityHubSettingsSchema>, 'partition'> & { readonly partition: string }) | undefined {
  if (!config.securityHub.enabled) return undefined;
  return { enabled: true, regions: securityHubRegions(config, refs.region), centralAccountId: refs.accountId, partition: refs.partition };
}

/** Regions whose Security Hub receives the findings: the configured ones, else `stackRegion`. */
export function securityHubRegions(config: ZsaConfig, stackRegion: string): string[] {
  return config.securityHub.regions.length > 0 ? [...config.securityHub.regions] : [stackRegion];
}
