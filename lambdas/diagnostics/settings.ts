/**
 * Runtime settings of the alert-diagnostics pipeline, validated once at cold start.
 *
 * The CDK construct serialises them into the `DIAGNOSTICS_SETTINGS` environment variable of every
 * diagnostics Lambda, so the state machine and its functions always agree on the numbers (session
 * length, slot cap, cooldown). Every key has a default; a bad value fails fast with the key's name.
 */
import * as z from 'zod';
import { parseJsonSetting } from '../core/config.js';
import { ConfigError } from '../core/errors.js';

/** ZDX alert severities in ascending order, spelled as ZDX webhooks send them. */
export const ALERT_SEVERITIES = ['Low', 'Medium', 'High'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

/** {@link ALERT_SEVERITIES} lower-cased: severities are compared case-insensitively. */
export const SEVERITY_ORDER: readonly Lowercase<AlertSeverity>[] = ALERT_SEVERITIES.map((name) => name.toLowerCase() as Lowercase<AlertSeverity>);

/**
 * Most devices one execution traces. Each traced device carries about 1.5 KB of evidence through
 * the Map state, and Step Functions limits a state's data to 256 KiB.
 */
export const MAX_DEVICES_PER_ALERT = 100;

/** Session lengths the ZDX API accepts for a deep trace (zdx-api.md §2.2). */
export const SESSION_LENGTHS_MINUTES = [5, 15, 30, 60] as const;

export const DiagnosticsSettingsSchema = z.lazy(() => z.object({
  /** Alerts below this severity are acknowledged (200) and not traced. Unknown severities pass. @default 'Low' */
  minSeverity: z.enum(ALERT_SEVERITIES).default('Low'),
  /** At most this many devices are traced per alert; the rest are reported as capped. @default 15 */
  perAlertDeviceCap: z.number().int().min(1).max(MAX_DEVICES_PER_ALERT).default(15),
  /** A device traced within this window is skipped (and reported so). 0 disables. @default 120 */
  deviceCooldownMinutes: z.number().int().min(0).max(10_080).default(120),
  /** Deep traces this project keeps active at once across the tenant (ZDX allows 15 in all). @default 10 */
  tenantTraceSlots: z.number().int().min(1).max(100).default(10),
  /** Name of the slot pool; one per ZDX tenant. @default 'zdx' */
  slotPool: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).default('zdx'),
  /** Deep-trace session length (ZDX accepts 5, 15, 30, 60). @default 5 */
  sessionLengthMinutes: z
    .number()
    .int()
    .refine((value) => (SESSION_LENGTHS_MINUTES as readonly number[]).includes(value), 'must be 5, 15, 30 or 60')
    .default(5),
  /** Collect device health (CPU, memory, Wi-Fi) during the trace. @default true */
  probeDevice: z.boolean().default(true),
  /** Seconds between status polls once the session length has passed. @default 30 */
  pollIntervalSeconds: z.number().int().min(1).max(600).default(30),
  /** How long after the session length a trace may stay unfinished before we stop waiting. @default 20 */
  traceGraceMinutes: z.number().int().min(1).max(240).default(20),
  /** Webhook bodies above this size are rejected with 413. @default 65536 */
  webhookMaxBodyBytes: z.number().int().min(1_024).max(1_048_576).default(65_536),
  /** The first look also asks Zscaler's score analysis (two more ZDX calls per device; where the tenant offers it). @default false */
  firstLookScoreAnalysis: z.boolean().default(false),
  /** Alert dedupe records are kept this long. @default 30 */
  alertRetentionDays: z.number().int().min(1).max(365).default(30),
}));
export type DiagnosticsSettings = z.infer<typeof DiagnosticsSettingsSchema>;

/** The settings with every default applied. */
export function defaultDiagnosticsSettings(): DiagnosticsSettings {
  return DiagnosticsSettingsSchema.parse({});
}

/** Name of the environment variable that carries the settings as JSON. */
export const DIAGNOSTICS_SETTINGS_ENV = 'DIAGNOSTICS_SETTINGS';

/**
 * Parses the settings from `DIAGNOSTICS_SETTINGS` (JSON; absent means all defaults).
 * Throws {@link ConfigError} naming the variable and each bad key.
 */
export function parseDiagnosticsSettings(env: Readonly<Record<string, string | undefined>>): DiagnosticsSettings {
  return parseJsonSetting(env[DIAGNOSTICS_SETTINGS_ENV], DIAGNOSTICS_SETTINGS_ENV, DiagnosticsSettingsSchema);
}

/** Rank of a severity string (case-insensitive); `undefined` for strings we do not know. */
export function severityRank(severity: string | undefined): number | undefined {
  if (severity === undefined) return undefined;
  const index = (SEVERITY_ORDER as readonly string[]).indexOf(severity.trim().toLowerCase());
  return index === -1 ? undefined : index;
}

/**
 * True when an alert of `severity` should be traced under `minSeverity`. A missing or unknown
 * severity passes: dropping an alert we cannot rank would hide it, tracing it costs little.
 */
export function passesSeverityFilter(severity: string | undefined, minSeverity: DiagnosticsSettings['minSeverity']): boolean {
  const rank = severityRank(severity);
  if (rank === undefined) return true;
  return rank >= (severityRank(minSeverity) ?? 0);
}
