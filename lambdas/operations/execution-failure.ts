/**
 * The safety net behind both workflows: turns a "Step Functions Execution Status Change" event for a
 * FAILED, TIMED_OUT or ABORTED execution into a FailureReport and delivers it through the
 * notification router, so an execution that ended without a message still ends in one.
 *
 * A workflow's own Catch -> NotifyFailure already reports task errors and then ends in a Fail state
 * whose error says so (`notifiedErrors`, e.g. `ScanNotCompleted`); those executions are skipped.
 * Everything else is delivered under the idempotency key `<executionArn>` (the router adds
 * `#failure`, each notifier its channel), the same key the diagnostics NotifyFailure step uses, so a
 * redelivered event, or a failure that NotifyFailure already sent on some channels, never posts twice.
 */
import { ExecutionArn, StateMachineArn } from '../core/aws/arns.js';
import { executionConsoleUrl } from '../core/aws/console-url.js';
import { causeMessage } from '../core/aws/step-functions-cause.js';
import * as z from 'zod';
import { parseJsonSetting } from '../core/config.js';
import { ConfigError, InvalidInputError, describeIssues } from '../core/errors.js';
import type { DeliverOptions } from '../notify/router.js';
import { redact } from '../core/observability/redaction.js';
import { systemClock, type Clock, type Log } from '../core/ports.js';
import type { FailureReport, PipelineResult, SentNotification } from '../notify/results.js';

/** The EventBridge detail-type of Step Functions execution status changes. */
export const EXECUTION_STATUS_CHANGE = 'Step Functions Execution Status Change';
/** Terminal statuses that mean "no result": the ones the failure rule forwards. */
export const FAILURE_STATUSES = ['FAILED', 'TIMED_OUT', 'ABORTED'] as const;
/** Env var that carries {@link ExecutionFailureSettings} as JSON (written by the ExecutionFailureAlerts construct). */
export const EXECUTION_FAILURE_SETTINGS_ENV = 'EXECUTION_FAILURE_SETTINGS';

const MAX_CAUSE_CHARS = 300;

/**
 * The event as EventBridge delivers it. Strict on what the report needs (ARNs, name, status as an
 * open string); lenient on the rest (error, cause and input are null or absent in many events).
 */
export const ExecutionStatusChangeSchema = z.lazy(() => z.object({
  id: z.string().min(1),
  'detail-type': z.literal(EXECUTION_STATUS_CHANGE),
  source: z.literal('aws.states'),
  time: z.string().optional(),
  detail: z.object({
    executionArn: ExecutionArn,
    stateMachineArn: StateMachineArn,
    name: z.string().min(1),
    status: z.string().min(1),
    startDate: z.number().nullish(),
    stopDate: z.number().nullish(),
    input: z.string().nullish(),
    error: z.string().nullish(),
    cause: z.string().nullish(),
    redriveCount: z.number().int().nonnegative().nullish(),
  }),
}));
export type ExecutionStatusChange = z.infer<typeof ExecutionStatusChangeSchema>;

/** What the construct tells the function: which pipeline each state machine runs, and which Fail errors mean "already notified". */
export const ExecutionFailureSettingsSchema = z.lazy(() => z.strictObject({
  /** State machine ARN -> pipeline. */
  pipelines: z.record(z.string().min(1), z.enum(['scan', 'diagnostics'])),
  /** Error names of the workflows' Fail states that follow a delivered NotifyFailure. */
  notifiedErrors: z.array(z.string().min(1)).default([]),
}));
export type ExecutionFailureSettings = z.infer<typeof ExecutionFailureSettingsSchema>;

/** Parses {@link EXECUTION_FAILURE_SETTINGS_ENV}; throws {@link ConfigError} naming the variable and each wrong key. */
export function parseExecutionFailureSettings(json: string | undefined): ExecutionFailureSettings {
  if (json === undefined || json.trim() === '') throw new ConfigError(`${EXECUTION_FAILURE_SETTINGS_ENV} is not set`);
  return parseJsonSetting(json, EXECUTION_FAILURE_SETTINGS_ENV, ExecutionFailureSettingsSchema);
}

/** Parses the EventBridge event; throws {@link InvalidInputError} naming each wrong field. */
export function parseExecutionStatusChange(event: unknown): ExecutionStatusChange {
  const parsed = ExecutionStatusChangeSchema.safeParse(event);
  if (parsed.success) return parsed.data;
  const issues = describeIssues(parsed.error.issues);
  throw new InvalidInputError(`not a Step Functions execution status change event: ${issues.join('; ')}`, issues, { cause: parsed.error });
}

/** The ids the workflows put in their execution input, read leniently (absent or other shapes: none). */
const ExecutionContextSchema = z.lazy(() => z.object({
  window: z
    .object({ awsAccountId: z.string().optional(), region: z.string().optional(), zcspmAccountId: z.string().optional() })
    .optional()
    .catch(undefined),
  alert: z
    .object({
      alertId: z.union([z.string(), z.number()]).optional(),
      ruleName: z.string().optional(),
      zdxUrl: z.url({ protocol: /^https$/ }).optional().catch(undefined),
    })
    .optional()
    .catch(undefined),
}));
type ExecutionContext = z.infer<typeof ExecutionContextSchema>;

/** Either the report to deliver or why none is due. */
export type FailureDecision =
  | { readonly action: 'notify'; readonly report: FailureReport; readonly idempotencyKey: string }
  | { readonly action: 'skip'; readonly reason: string };

/**
 * Decides what a status change means: skip (not a failure status, or a failure the workflow already
 * notified) or notify with the report and its idempotency key. Throws {@link ConfigError} for a state
 * machine the settings do not map (the rule only forwards mapped ones, so the config is wrong).
 */
export function decideExecutionFailure(event: ExecutionStatusChange, settings: ExecutionFailureSettings, clock: Clock = systemClock): FailureDecision {
  const { detail } = event;
  if (!(FAILURE_STATUSES as readonly string[]).includes(detail.status)) {
    return { action: 'skip', reason: `status ${detail.status} is not a failure` };
  }
  const pipeline = settings.pipelines[detail.stateMachineArn];
  if (!pipeline) {
    throw new ConfigError(`${EXECUTION_FAILURE_SETTINGS_ENV}.pipelines has no entry for state machine ${detail.stateMachineArn}`);
  }
  if (detail.status === 'FAILED' && detail.error && settings.notifiedErrors.includes(detail.error)) {
    return { action: 'skip', reason: `the workflow notified this failure itself (ended in ${detail.error})` };
  }
  const redrives = detail.redriveCount ?? 0;
  // A redriven execution keeps its ARN; its next failure is a new notification.
  const idempotencyKey = redrives > 0 ? `${detail.executionArn}#redrive-${redrives}` : detail.executionArn;
  return { action: 'notify', report: buildExecutionFailureReport(event, pipeline, clock), idempotencyKey };
}

/** Builds the FailureReport of a failed, timed-out or aborted execution. Every text is redacted. */
export function buildExecutionFailureReport(event: ExecutionStatusChange, pipeline: FailureReport['pipeline'], clock: Clock = systemClock): FailureReport {
  const { detail } = event;
  const context = executionContext(detail.input);
  const cause = causeMessage(detail.cause, MAX_CAUSE_CHARS);
  const workflow = pipeline === 'scan' ? 'post-deploy scan' : 'alert diagnostics';
  const stateMachine = detail.stateMachineArn.split(':').at(-1) ?? detail.stateMachineArn;
  const ran = detail.startDate && detail.stopDate && detail.stopDate >= detail.startDate ? ` after ${formatDuration(detail.stopDate - detail.startDate)}` : '';
  const ended = detail.status === 'TIMED_OUT' ? 'timed out' : detail.status === 'ABORTED' ? 'was stopped' : 'failed';
  const why = [detail.error, cause].filter(Boolean).join(': ');
  const message = `The ${workflow} execution "${detail.name}" (${stateMachine})${describeSubject(pipeline, context)} ${ended}${ran}${why ? `: ${why}` : ''}. No result was delivered for it.`;

  const report: FailureReport = {
    kind: 'failure',
    pipeline,
    reason: detail.status,
    message: redact(message),
    deployments: [],
    occurredAt: occurredAt(event, clock),
    links: { execution: executionConsoleUrl(detail.executionArn) },
  };
  if (detail.error) report.error = { name: redact(detail.error), message: redact(cause ?? detail.error) };
  if (pipeline === 'scan' && context.window) {
    const { awsAccountId, region, zcspmAccountId } = context.window;
    if (awsAccountId) report.awsAccountId = awsAccountId;
    if (region) report.region = region;
    if (zcspmAccountId) report.zcspmAccountId = zcspmAccountId;
  }
  if (pipeline === 'diagnostics' && context.alert) {
    if (context.alert.alertId !== undefined) report.alertId = String(context.alert.alertId);
    if (context.alert.zdxUrl) report.links.zdx = context.alert.zdxUrl;
  }
  return report;
}

/** Delivers results (the notification router, or a fake in tests). */
export interface FailureDelivery {
  deliver(result: PipelineResult, options: DeliverOptions): Promise<SentNotification[]>;
}

export interface NotifyExecutionFailureDeps {
  /** The container's router, built on first use. */
  readonly delivery: () => Promise<FailureDelivery>;
  readonly settings: ExecutionFailureSettings;
  readonly log: Log;
  readonly clock?: Clock;
  readonly call?: { readonly signal?: AbortSignal; readonly deadline?: number };
}

/** What happened to one status change. */
export type ExecutionFailureOutcome =
  | { readonly outcome: 'notified'; readonly executionArn: string; readonly reason: string; readonly channels: readonly string[] }
  | { readonly outcome: 'skipped'; readonly executionArn: string; readonly reason: string };

/** Parses the event, decides, and delivers the failure report when one is due. Safe to run twice for one event. */
export async function notifyExecutionFailure(event: unknown, deps: NotifyExecutionFailureDeps): Promise<ExecutionFailureOutcome> {
  const change = parseExecutionStatusChange(event);
  const executionArn = change.detail.executionArn;
  const decision = decideExecutionFailure(change, deps.settings, deps.clock);
  if (decision.action === 'skip') {
    deps.log.info('execution status change not notified', { executionArn, reason: decision.reason });
    return { outcome: 'skipped', executionArn, reason: decision.reason };
  }
  const delivery = await deps.delivery();
  const sent = await delivery.deliver(decision.report, {
    idempotencyKey: decision.idempotencyKey,
    ...(deps.call?.signal ? { signal: deps.call.signal } : {}),
    ...(deps.call?.deadline !== undefined ? { deadline: deps.call.deadline } : {}),
  });
  const channels = sent.map((notification) => notification.channel);
  deps.log.info('execution failure notified', { executionArn, status: change.detail.status, channels });
  return { outcome: 'notified', executionArn, reason: decision.report.reason, channels };
}

function executionContext(input: string | null | undefined): ExecutionContext {
  if (!input) return {};
  try {
    const parsed = ExecutionContextSchema.safeParse(JSON.parse(input));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

function describeSubject(pipeline: FailureReport['pipeline'], context: ExecutionContext): string {
  if (pipeline === 'scan' && context.window?.zcspmAccountId) {
    const aws = context.window.awsAccountId ? `, AWS account ${context.window.awsAccountId}` : '';
    return ` for ZCSPM account ${context.window.zcspmAccountId}${aws}`;
  }
  if (pipeline === 'diagnostics' && context.alert?.alertId !== undefined) {
    const rule = context.alert.ruleName ? ` (${context.alert.ruleName.slice(0, 100)})` : '';
    return ` for alert ${String(context.alert.alertId)}${rule}`;
  }
  return '';
}


function occurredAt(event: ExecutionStatusChange, clock: Clock): string {
  if (event.detail.stopDate) return new Date(event.detail.stopDate).toISOString();
  if (event.time && !Number.isNaN(Date.parse(event.time))) return new Date(event.time).toISOString();
  return new Date(clock.now()).toISOString();
}

function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min`;
}
