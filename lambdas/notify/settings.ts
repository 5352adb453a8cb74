/**
 * Notification settings: which channels are on, and which results each one receives. The CDK
 * app writes them as JSON into an environment variable; Lambdas parse them once at cold start
 * with {@link parseNotificationSettings}, which fails with the key that is wrong.
 *
 * Example:
 * ```json
 * { "environment": "prod",
 *   "slack": { "mode": "bot", "kinds": ["scan", "diagnostics"], "minSeverity": "medium",
 *              "scan": { "whenCompliancePercentBelow": 90, "whenNewFailuresAtLeast": 1 } },
 *   "sns": { "topicArn": "arn:aws:sns:eu-west-1:111122223333:zsa-notifications" },
 *   "eventBridge": { "eventBusName": "zsa" } }
 * ```
 * Failures (a pipeline run that produced no result) always go to every enabled channel.
 */
import * as z from 'zod';
import { parseJsonSetting } from '../core/config.js';
import { ConfigError } from '../core/errors.js';
import type { PipelineResult } from './results.js';
import { ASFF_PARTITIONS } from './channels/security-hub/findings.js';
import { SEVERITY_LEVELS, resultSeverity, severityRank } from './render/result-facts.js';

/** Name of the environment variable that carries {@link NotificationSettings} as JSON. */
export const NOTIFICATION_SETTINGS_ENV = 'NOTIFICATION_SETTINGS';
/** Name of the environment variable that carries the Security Hub channel's settings as JSON. */
export const SECURITY_HUB_SETTINGS_ENV = 'SECURITY_HUB_SETTINGS';

/** Result kinds a channel can opt into; `failure` is not listed because it always goes out. */
export const RoutableKind = z.lazy(() => z.enum(['scan', 'diagnostics']));

const ScanFilterSchema = z.lazy(() =>
  z
    .strictObject({
      /** Deliver a scan when its compliance is below this percentage. */
      whenCompliancePercentBelow: z.number().min(0).max(100).optional(),
      /** Deliver a scan when it introduced at least this many new failures. */
      whenNewFailuresAtLeast: z.number().int().min(1).optional(),
    })
    .describe('Scans are delivered when ANY given condition holds; with none given, every scan is delivered.'),
);

const RouteFields = {
  /** Whether the channel is used at all. */
  enabled: z.boolean().default(true),
  /** Result kinds the channel receives. Default: both. */
  kinds: z.array(RoutableKind).min(1).default(['scan', 'diagnostics']),
  /** Lowest ZDX alert severity delivered (diagnostics only). An unrecognised severity is always delivered. */
  minSeverity: z.enum(SEVERITY_LEVELS).default('info'),
  /** Posture threshold for scans. */
  scan: ScanFilterSchema.default({}),
};

const SlackSettingsSchema = z.lazy(() => z.strictObject({
  ...RouteFields,
  /** `webhook`: incoming webhook (one message per result). `bot`: chat.postMessage + chat.update + threads. */
  mode: z.enum(['webhook', 'bot']).default('webhook'),
}));

const SnsSettingsSchema = z.lazy(() => z.strictObject({
  ...RouteFields,
  topicArn: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/, 'must be an SNS topic ARN'),
}));

const EventBridgeSettingsSchema = z.lazy(() => z.strictObject({
  ...RouteFields,
  /** Bus name or ARN. */
  eventBusName: z.string().min(1).max(1600).default('default'),
}));

/** {@link SECURITY_HUB_SETTINGS_ENV}: given only to the function that has scan findings to import. */
export const SecurityHubSettingsSchema = z.lazy(() => z.strictObject({
  ...RouteFields,
  /** Only scans have findings; diagnostics and failures are never sent to Security Hub. */
  kinds: z.array(z.literal('scan')).min(1).default(['scan']),
  /** Regions whose Security Hub receives the findings. */
  regions: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, 'must be an AWS Region code')).min(1),
  /** The account the integration runs in: imports its own findings directly, the others through their import roles. */
  centralAccountId: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id'),
  partition: z.enum(ASFF_PARTITIONS).default('aws'),
}));

const LogSettingsSchema = z.lazy(() => z.strictObject({ ...RouteFields }));

export const NotificationSettingsSchema = z.lazy(() => z.strictObject({
  /** Short label of the deployment (e.g. `prod`), shown in messages. */
  environment: z.string().min(1).max(40).optional(),
  slack: SlackSettingsSchema.optional(),
  sns: SnsSettingsSchema.optional(),
  eventBridge: EventBridgeSettingsSchema.optional(),
  securityHub: SecurityHubSettingsSchema.optional(),
  /** The structured log line; on by default so a result is never only in memory. */
  log: LogSettingsSchema.default({ enabled: true, kinds: ['scan', 'diagnostics'], minSeverity: 'info', scan: {} }),
}));
export type NotificationSettings = z.infer<typeof NotificationSettingsSchema>;
/** The settings as written (defaults not yet applied). */
export type NotificationSettingsInput = z.input<typeof NotificationSettingsSchema>;

/** Keys of the channels in the settings. */
export type ChannelKey = 'slack' | 'sns' | 'eventBridge' | 'securityHub' | 'log';
export const CHANNEL_KEYS: readonly ChannelKey[] = ['slack', 'sns', 'eventBridge', 'securityHub', 'log'];

export type ChannelRoute = z.infer<typeof LogSettingsSchema>;

/**
 * Parses settings JSON (the value of `variable`); an absent or empty value means "log only".
 * Throws {@link ConfigError} naming the variable and each wrong key.
 */
export function parseNotificationSettings(json: string | undefined, variable = NOTIFICATION_SETTINGS_ENV): NotificationSettings {
  return parseJsonSetting(json, variable, NotificationSettingsSchema);
}

/** Parses `SECURITY_HUB_SETTINGS`; undefined when the variable is absent or empty (channel off). */
export function parseSecurityHubSettings(json: string | undefined, variable = SECURITY_HUB_SETTINGS_ENV): z.infer<typeof SecurityHubSettingsSchema> | undefined {
  if (json === undefined || json.trim() === '') return undefined;
  return parseJsonSetting(json, variable, SecurityHubSettingsSchema);
}

/**
 * Whether a channel with `route` receives `result`: failures always (when enabled); scans and
 * diagnostics when their kind is listed and they pass the channel's threshold.
 */
export function routeAccepts(route: ChannelRoute, result: PipelineResult): boolean {
  if (!route.enabled) return false;
  if (result.kind === 'failure') return true;
  if (!route.kinds.includes(result.kind)) return false;
  if (result.kind === 'diagnostics') {
    const severity = resultSeverity(result);
    return severity === 'unknown' || severityRank(severity) >= severityRank(route.minSeverity);
  }
  const { whenCompliancePercentBelow, whenNewFailuresAtLeast } = route.scan;
  if (whenCompliancePercentBelow === undefined && whenNewFailuresAtLeast === undefined) return true;
  return (
    (whenCompliancePercentBelow !== undefined && result.posture.compliancePercent < whenCompliancePercentBelow) ||
    (whenNewFailuresAtLeast !== undefined && result.delta.newFailureCount >= whenNewFailuresAtLeast)
  );
}

/** The channels (in a fixed order) that receive `result` under `settings`. */
export function selectChannels(settings: NotificationSettings, result: PipelineResult): ChannelKey[] {
  return CHANNEL_KEYS.filter((key) => {
    const route = settings[key];
    return route !== undefined && routeAccepts(route, result);
  });
}
