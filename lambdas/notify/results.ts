/**
 * The results both pipelines produce and every notifier renders. They carry everything a message
 * needs, so renderers never call an API. Step Functions passes them between states as JSON, so
 * they are plain data, validated with zod where they cross a Lambda boundary.
 */
import * as z from 'zod';
import { PostureSchema, type Posture } from '../zscaler/zcspm/schemas.js';

// Module-level schemas are `z.lazy`: importing this module builds none of them, and a handler builds
// only those it parses, on first use (each zod construction costs cold-start time; README, Performance).

/** A scan report's posture is ZCSPM's compliance summary, as is. */
export { PostureSchema, type Posture };

export const DeploymentSchema = z.lazy(() => z.object({
  awsAccountId: z.string(),
  region: z.string(),
  stackId: z.string(),
  stackName: z.string(),
  status: z.string(),
  /** CloudFormation `client-request-token`, or `stack-id@time` when absent. */
  deploymentKey: z.string(),
  time: z.string(),
  /** StackSet ARN when the deployment is a StackSet instance. */
  stackSetArn: z.string().optional(),
}));
export type Deployment = z.infer<typeof DeploymentSchema>;

export const FailedAssetSchema = z.lazy(() => z.object({
  resourceId: z.string(),
  resourceName: z.string(),
  resourceType: z.string(),
  region: z.string().optional(),
  policyId: z.string(),
  shortTitle: z.string(),
  categoryName: z.string().optional(),
  /** ZCSPM `impact` / policy severity (Critical, High, Moderate, Low, VeryLow). */
  severity: z.string(),
  /** True when the asset belongs to a resource of a stack deployed in this scan window. */
  fromDeployment: z.boolean().default(false),
  stackName: z.string().optional(),
}));
export type FailedAsset = z.infer<typeof FailedAssetSchema>;

export const BenchmarkResultSchema = z.lazy(() => z.object({
  benchmarkId: z.string(),
  benchmarkName: z.string().optional(),
  posture: PostureSchema,
}));

export const ScanDeltaSchema = z.lazy(() => z.object({
  /** Job the comparison is against; null on the account's first scan. */
  previousJobId: z.string().nullable(),
  newFailureCount: z.number().int().nonnegative(),
  fixedCount: z.number().int().nonnegative(),
  unchangedFailureCount: z.number().int().nonnegative(),
  compliancePercentChange: z.number().nullable(),
  newFailures: z.array(FailedAssetSchema),
  fixed: z.array(FailedAssetSchema),
}));
export type ScanDelta = z.infer<typeof ScanDeltaSchema>;

export const LinksSchema = z.lazy(() => z.object({
  zcspm: z.string().optional(),
  zdx: z.string().optional(),
  execution: z.string().optional(),
}));

export const ScanReportSchema = z.lazy(() => z.object({
  kind: z.literal('scan'),
  awsAccountId: z.string(),
  region: z.string(),
  zcspmAccountId: z.string(),
  zcspmAccountName: z.string().optional(),
  jobId: z.string(),
  jobStatus: z.string(),
  deployments: z.array(DeploymentSchema),
  /** The first configured benchmark; `benchmarks` holds all of them. */
  posture: PostureSchema,
  benchmarks: z.array(BenchmarkResultSchema),
  delta: ScanDeltaSchema,
  failedAssetCount: z.number().int().nonnegative(),
  /** Worst first; the deployment's own failures before the rest. Capped (see `failedAssetCount`). */
  topFailures: z.array(FailedAssetSchema),
  deploymentFailureCount: z.number().int().nonnegative(),
  startedAt: z.string(),
  completedAt: z.string(),
  durationSeconds: z.number().nonnegative(),
  isFollowUp: z.boolean().default(false),
  links: LinksSchema,
}));
export type ScanReport = z.infer<typeof ScanReportSchema>;

export const Verdict = z.lazy(() => z.enum(['device', 'network', 'zscaler', 'application', 'unknown']));
export type Verdict = z.infer<typeof Verdict>;

/** Each verdict in words: the title opens a diagnosis headline ("Network: ..."), the label names it in a sentence ("verdict the network"). */
const VERDICT_WORDS: Readonly<Record<Verdict, readonly [title: string, label: string]>> = {
  device: ['Device', 'the device'],
  network: ['Network', 'the network'],
  zscaler: ['Zscaler', 'Zscaler'],
  application: ['Application', 'the application'],
  unknown: ['Inconclusive', 'undetermined'],
};
export const VERDICT_TITLE = Object.fromEntries(Object.entries(VERDICT_WORDS).map(([verdict, [title]]) => [verdict, title])) as Readonly<Record<Verdict, string>>;
export const VERDICT_LABEL = Object.fromEntries(Object.entries(VERDICT_WORDS).map(([verdict, [, label]]) => [verdict, label])) as Readonly<Record<Verdict, string>>;

export const DeviceDiagnosisSchema = z.lazy(() => z.object({
  verdict: Verdict,
  /** One sentence a person can act on. */
  headline: z.string(),
  findings: z.array(z.string()),
  metrics: z.record(z.string(), z.number()).default({}),
}));
export type DeviceDiagnosis = z.infer<typeof DeviceDiagnosisSchema>;

export const DeviceOutcome = z.lazy(() => z.enum(['diagnosed', 'failed', 'expired', 'skipped_cooldown', 'skipped_budget', 'capped', 'no_probe', 'error', 'first_look']));

/**
 * A device's first-look verdict: the diagnosis rules run on what ZDX already held (probe history,
 * device health and events, Zscaler's score analysis) before any deep trace. Compact on purpose:
 * every device of an alert carries one through Step Functions.
 */
export const FirstLookSchema = z.lazy(() => z.object({
  verdict: Verdict,
  headline: z.string(),
  /** The strongest findings, at most six. */
  evidence: z.array(z.string()),
  metrics: z.record(z.string(), z.number()).default({}),
  /** Seconds from the webhook being accepted to this verdict. */
  secondsAfterWebhook: z.number().nonnegative(),
  /** The history window read, in minutes. */
  windowMinutes: z.number().int().nonnegative(),
  /** What could not be read, with why. */
  missing: z.array(z.string()).default([]),
}));
export type FirstLook = z.infer<typeof FirstLookSchema>;

/** Whether the deep trace confirmed a device's first look, or what it changed and why. */
export const ConfirmationSchema = z.lazy(() => z.object({
  outcome: z.enum(['confirmed', 'revised', 'not_traced', 'no_first_look']),
  text: z.string(),
}));
export type Confirmation = z.infer<typeof ConfirmationSchema>;

export const DeviceResultSchema = z.lazy(() => z.object({
  deviceId: z.string(),
  deviceName: z.string().optional(),
  userName: z.string().optional(),
  traceId: z.string().nullable(),
  /** What happened to this device (`diagnosed` when the trace completed and was analysed). */
  status: DeviceOutcome,
  /** The deep trace's last status as ZDX reported it, when a trace ran. */
  traceStatus: z.string().optional(),
  diagnosis: DeviceDiagnosisSchema.nullable(),
  reason: z.string().optional(),
  /** The verdict from ZDX's history before the deep trace. */
  firstLook: FirstLookSchema.optional(),
  /** The deep trace against the first look (final reports only). */
  confirmation: ConfirmationSchema.optional(),
}));
export type DeviceResult = z.infer<typeof DeviceResultSchema>;

export const AlertSummarySchema = z.lazy(() => z.object({
  alertId: z.string(),
  ruleName: z.string(),
  severity: z.string(),
  alertType: z.string().optional(),
  status: z.string(),
  startTime: z.number().optional(),
  applicationId: z.string().optional(),
  applicationName: z.string().optional(),
  criteriaString: z.string().optional(),
  impactedDeviceCount: z.number().optional(),
}));
export type AlertSummary = z.infer<typeof AlertSummarySchema>;

export const DiagnosticsReportSchema = z.lazy(() => z.object({
  kind: z.literal('diagnostics'),
  /**
   * `first-look`: verdicts from ZDX's history, sent within seconds while the deep traces run;
   * `final` (or absent): the deep traces' diagnosis, confirming or revising the first look.
   */
  phase: z.enum(['first-look', 'final']).optional(),
  /** What the deep traces will add (first-look reports). */
  pending: z.string().optional(),
  alert: AlertSummarySchema,
  devices: z.array(DeviceResultSchema),
  summary: z.object({
    verdict: Verdict,
    text: z.string(),
    diagnosed: z.number().int().nonnegative(),
    notDiagnosed: z.number().int().nonnegative(),
  }),
  startedAt: z.string(),
  completedAt: z.string(),
  links: LinksSchema,
}));
export type DiagnosticsReport = z.infer<typeof DiagnosticsReportSchema>;

/** A pipeline run (or an accepted event) that could not produce its result. */
export const FailureReportSchema = z.lazy(() => z.object({
  kind: z.literal('failure'),
  pipeline: z.enum(['scan', 'diagnostics']),
  /** Short machine-readable reason, e.g. `ScanFailed`, `Timeout`, `UnmappedAccount`. */
  reason: z.string(),
  /** One or two sentences for a person: what failed, where. Never contains a secret. */
  message: z.string(),
  error: z.object({ name: z.string(), message: z.string() }).optional(),
  awsAccountId: z.string().optional(),
  region: z.string().optional(),
  zcspmAccountId: z.string().optional(),
  alertId: z.string().optional(),
  jobId: z.string().optional(),
  deployments: z.array(DeploymentSchema).default([]),
  occurredAt: z.string(),
  links: LinksSchema,
}));
export type FailureReport = z.infer<typeof FailureReportSchema>;

export const PipelineResultSchema = z.lazy(() => z.discriminatedUnion('kind', [ScanReportSchema, DiagnosticsReportSchema, FailureReportSchema]));
export type PipelineResult = z.infer<typeof PipelineResultSchema>;

/** What one delivery sent (the sandbox prints these; tests assert on them). */
export interface SentNotification {
  readonly channel: 'slack' | 'sns' | 'eventbridge' | 'securityhub' | 'log';
  /** Exactly the body that was (or would be) sent. */
  readonly payload: unknown;
}

/** Delivers a result to one channel. Implementations must be idempotent per `idempotencyKey`. */
export interface Notifier {
  readonly channel: SentNotification['channel'];
  notify(
    result: PipelineResult,
    options: { idempotencyKey: string; signal?: AbortSignal; /** Epoch ms: no wait may run past it. */ deadline?: number },
  ): Promise<SentNotification | null>;
}
