import { CfnOutput, Duration, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ErrorName, RETRYABLE_ERROR_NAMES } from '../../lambdas/core/errors.js';
import { KeyPrefix } from '../../lambdas/core/store/table-schema.js';
import { DIAGNOSTICS_SETTINGS_ENV } from '../../lambdas/diagnostics/settings.js';
import { NOTIFICATION_SETTINGS_ENV } from '../../lambdas/notify/settings.js';
import { type IntegrationSettings, diagnosticsSettings, notificationSettings } from '../settings/runtime-env.js';
import type { ZsaConfig } from '../settings/schema.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import { HANDLER_ENTRY_METADATA, TeamFunction, type TeamFunctionProps } from './team-function.js';
import { bindNotificationChannels } from './notification-channels.js';
import { INVOCATION_RETRIES, LAMBDA_SERVICE_RETRY, REPLY_RETRIES, StandardStateMachine, addRetries, invokeLambda, withStandardErrorHandling } from './workflow-defaults.js';

/** EventBridge `source` and `detail-type` of a manual diagnostics request (CLI `trace`, runbooks). */
export const MANUAL_TRIGGER_SOURCE = 'zsa';
export const MANUAL_TRIGGER_DETAIL_TYPE = 'DiagnosticsRequested';

/** Path of the webhook route; configure ZDX with `<api url>/zdx/alerts`. */
export const WEBHOOK_PATH = '/zdx/alerts';

/** Props of {@link AlertDiagnosticsWorkflow}. */
export interface AlertDiagnosticsWorkflowProps {
  /** The state table (alert dedupe, cooldowns, trace slots, tokens, rate budget, delivery ledger). */
  readonly table: dynamodb.ITable;
  /** ZDX API key `{ keyId, keySecret }`. */
  readonly zdxSecret: secretsmanager.ISecret;
  /** The credential ZDX must present on the webhook `{ bearerToken }` (and/or `basic`). */
  readonly webhookSecret: secretsmanager.ISecret;
  /** Slack credential; read only when Slack notifications are enabled. */
  readonly slackSecret: secretsmanager.ISecret;
  /** Notification topic; published to only when SNS notifications are enabled. */
  readonly topic: sns.ITopic;
  /** Settings derived from the deployment configuration (the stack's `settings`). */
  readonly settings: IntegrationSettings;
  /**
   * Bus whose `zsa` / `DiagnosticsRequested` events start a manual run.
   * @default the account's default bus
   */
  readonly eventBus?: events.IEventBus;
  /** Minutes a trace may stay unfinished after its session length before the run stops waiting. @default 20 */
  readonly traceGraceMinutes?: number;
  /** Seconds between status polls after the session length. @default 30 */
  readonly pollIntervalSeconds?: number;
}

type StepFunctions = Record<
  'resolveDevices' | 'firstLook' | 'acquireTraceSlot' | 'startDeepTrace' | 'getTraceStatus' | 'collectTraceResults' | 'releaseTraceSlot' | 'diagnose' | 'notify',
  TeamFunction
>;

/** What the state machine's timing follows from. */
interface Timing {
  readonly sessionMinutes: number;
  readonly graceMinutes: number;
  readonly timeout: Duration;
  readonly slotWaitAttempts: number;
}

/**
 * Pipeline 2, alert-triggered diagnostics: the ZDX webhook endpoint (HTTP API with stage throttling
 * and access logs, in front of AlertIntake), a manual trigger (EventBridge rule with a dead-letter
 * queue) and the Standard state machine "AlertDiagnostics":
 *
 * ResolveDevices -> FirstLook (the most impacted devices' verdicts from ZDX's history) ->
 * NotifyFirstLook -> TraceAndLook (Parallel: the first looks of the other devices beside)
 * TraceDevices (Map, MaxConcurrency; per device: AcquireTraceSlot (BusyError
 * retried with backoff: wait when full, never exceed) -> StartDeepTrace -> WaitForSession ->
 * GetTraceStatus / WaitForPoll loop -> CollectTraceResults -> ReleaseTraceSlot; every failure inside
 * an iteration releases the slot and becomes that device's result, so one device never fails the
 * alert) -> Diagnose -> NotifyResult -> Done. Any other failure: NotifyFailure -> DiagnosticsFailed.
 *
 * Why an HTTP API and not a Function URL: ZDX authenticates only with a Basic or Bearer credential,
 * so the check happens in AlertIntake either way (constant-time); the HTTP API adds what a Function
 * URL cannot: stage throttling (rate and burst from `webhook.throttle`), so a flood is refused
 * before it costs a Lambda invocation, and access logs of every delivery.
 */
export class AlertDiagnosticsWorkflow extends Construct {
  /** The "AlertDiagnostics" state machine. */
  readonly stateMachine: sfn.StateMachine;
  /** The webhook API; ZDX posts to {@link webhookUrl}. */
  readonly api: apigwv2.HttpApi;
  /** The URL to configure in ZDX (Administration > Integrations > Webhooks). */
  readonly webhookUrl: string;
  /** The manual-trigger rule. */
  readonly manualRule: events.Rule;
  /** Manual requests EventBridge could not deliver. */
  readonly deadLetterQueue: DeadLetterQueue;
  /** The functions, by task. */
  readonly functions: StepFunctions & { readonly alertIntake: TeamFunction; readonly manualTrace: TeamFunction };

  constructor(scope: Construct, id: string, props: AlertDiagnosticsWorkflowProps) {
    super(scope, id);
    const { config } = props.settings;
    const stack = Stack.of(this);
    const graceMinutes = props.traceGraceMinutes ?? 20;
    const runtimeSettings = { ...diagnosticsSettings(config), traceGraceMinutes: graceMinutes, pollIntervalSeconds: props.pollIntervalSeconds ?? 30 };
    const diagnosticsEnv = { [DIAGNOSTICS_SETTINGS_ENV]: JSON.stringify(runtimeSettings) };
    const fn = (name: string, entry: string, extra: Omit<TeamFunctionProps, 'entry' | 'defaults'>): TeamFunction => {
      const created = new TeamFunction(this, name, { entry, defaults: props.settings.functionDefaults, ...extra, environment: { ...diagnosticsEnv, ...extra.environment } });
      created.node.addMetadata(HANDLER_ENTRY_METADATA, entry);
      return created;
    };
    const zdxKeys = [KeyPrefix.token, KeyPrefix.rateBudget];
    // A function that calls ZDX: the shared token cache and rate budget (and `ownKeys`), and the ZDX credentials.
    const zdxFn = (name: string, entry: string, extra: Omit<TeamFunctionProps, 'entry' | 'defaults'>, ownKeys: string[] = []): TeamFunction =>
      fn(name, entry, extra).bindTable(props.table, { leadingKeys: [...ownKeys, ...zdxKeys] }).bindSecret(props.zdxSecret, 'ZDX_SECRET_ARN');

    const functions: StepFunctions = {
      resolveDevices: zdxFn(
        'ResolveDevices',
        'lambdas/diagnostics/handlers/resolve-devices.ts',
        {
          description: 'AlertDiagnostics: reads the alert and its affected devices, applies the cap and the cooldown',
          invocation: 'sync',
          timeout: Duration.minutes(2),
        },
        [KeyPrefix.deviceCooldown],
      ),
      firstLook: zdxFn('FirstLook', 'lambdas/diagnostics/handlers/first-look.ts', {
        description: "AlertDiagnostics: first-look verdicts from ZDX's history, devices in impact order, within the shared budget",
        invocation: 'sync',
        timeout: Duration.minutes(5),
      }),
      acquireTraceSlot: fn('AcquireTraceSlot', 'lambdas/diagnostics/handlers/acquire-trace-slot.ts', {
        description: 'AlertDiagnostics: takes a tenant deep-trace slot (BusyError when all are taken)',
        invocation: 'sync',
        timeout: Duration.seconds(15),
      }).bindTable(props.table, { leadingKeys: [KeyPrefix.traceSlots] }),
      startDeepTrace: zdxFn('StartDeepTrace', 'lambdas/diagnostics/handlers/start-deep-trace.ts', {
        description: "AlertDiagnostics: picks the application's probes and starts the deep trace",
        invocation: 'sync',
        timeout: Duration.seconds(60),
      }),
      getTraceStatus: zdxFn('GetTraceStatus', 'lambdas/diagnostics/handlers/get-trace-status.ts', {
        description: 'AlertDiagnostics: polls a deep trace once',
        invocation: 'sync',
        timeout: Duration.seconds(60),
      }),
      collectTraceResults: zdxFn('CollectTraceResults', 'lambdas/diagnostics/handlers/collect-trace-results.ts', {
        description: "AlertDiagnostics: reads a finished trace's six result endpoints into evidence",
        invocation: 'sync',
        timeout: Duration.minutes(2),
      }),
      releaseTraceSlot: fn('ReleaseTraceSlot', 'lambdas/diagnostics/handlers/release-trace-slot.ts', {
        description: "AlertDiagnostics: gives a device's tenant deep-trace slot back",
        invocation: 'sync',
        timeout: Duration.seconds(15),
      }).bindTable(props.table, { leadingKeys: [KeyPrefix.traceSlots] }),
      diagnose: fn('Diagnose', 'lambdas/diagnostics/handlers/diagnose.ts', {
        description: 'AlertDiagnostics: per-device findings and the overall verdict',
        invocation: 'sync',
        timeout: Duration.seconds(30),
      }),
      notify: fn('NotifyDiagnostics', 'lambdas/diagnostics/handlers/notify-diagnostics.ts', {
        description: 'AlertDiagnostics: delivers the diagnosis or the failure to the configured channels',
        invocation: 'sync',
        timeout: Duration.seconds(60),
        environment: { [NOTIFICATION_SETTINGS_ENV]: stack.toJsonString(notificationSettings(config, { topicArn: props.topic.topicArn })) },
      }).bindTable(props.table, { leadingKeys: [KeyPrefix.idempotency] }),
    };
    bindNotificationChannels(functions.notify, { config, slackSecret: props.slackSecret, topic: props.topic });

    const timing = this.timing(config, graceMinutes);
    this.stateMachine = new StandardStateMachine(this, 'AlertDiagnostics', {
      definition: this.definition(functions, config, timing),
      timeout: timing.timeout,
      logRetention: props.settings.logRetention,
      comment: 'ZDX alert diagnostics: deep traces on the affected devices, diagnosis, notification',
    }).stateMachine;

    const alertIntake = fn('AlertIntake', 'lambdas/diagnostics/handlers/alert-intake.ts', {
      description: 'ZDX alert webhook: checks the credential and the body, starts AlertDiagnostics, answers 202',
      invocation: 'sync',
      timeout: Duration.seconds(10),
      environment: { DIAGNOSTICS_STATE_MACHINE_ARN: this.stateMachine.stateMachineArn },
    })
      .bindTable(props.table, { leadingKeys: [KeyPrefix.alert] })
      .bindSecret(props.webhookSecret, 'WEBHOOK_SECRET_ARN');
    this.stateMachine.grantStartExecution(alertIntake);

    const manualTrace = fn('ManualTrace', 'lambdas/diagnostics/handlers/manual-trace.ts', {
      description: 'Starts AlertDiagnostics for a device and application, or an alert id, on request',
      invocation: 'async',
      environment: { DIAGNOSTICS_STATE_MACHINE_ARN: this.stateMachine.stateMachineArn },
    });
    this.stateMachine.grantStartExecution(manualTrace);

    this.api = this.webhookApi(alertIntake, config, props.settings.logRetention);
    this.webhookUrl = `${this.api.apiEndpoint}${WEBHOOK_PATH}`;
    new CfnOutput(Stack.of(this), 'ZdxWebhookUrl', { value: this.webhookUrl, description: 'ZDX alert webhook URL (Bearer token: the webhook secret)' });

    this.deadLetterQueue = new DeadLetterQueue(this, 'ManualRequestsDeadLetterQueue', {
      purpose: 'manual diagnostics requests that EventBridge could not deliver to ManualTrace',
    });
    this.manualRule = new events.Rule(this, 'ManualRequestRule', {
      description: 'Manual diagnostics requests (device and application, or alert id): start AlertDiagnostics',
      eventBus: props.eventBus ?? events.EventBus.fromEventBusName(this, 'DefaultBus', 'default'),
      eventPattern: { source: [MANUAL_TRIGGER_SOURCE], detailType: [MANUAL_TRIGGER_DETAIL_TYPE] },
      targets: [new targets.LambdaFunction(manualTrace, { deadLetterQueue: this.deadLetterQueue.queue, retryAttempts: 8, maxEventAge: Duration.hours(6) })],
    });
    this.functions = { ...functions, alertIntake, manualTrace };
  }

  private timing(config: ZsaConfig, graceMinutes: number): Timing {
    const { sessionLengthMinutes, maxDevicesPerAlert, tenantTraceCap } = config.diagnostics;
    // Devices beyond the slot cap run in waves; each wave lasts at most a session, the grace and polling.
    const waves = Math.ceil(maxDevicesPerAlert / tenantTraceCap);
    const minutes = Math.max(120, waves * (sessionLengthMinutes + graceMinutes + 10) + 30);
    // Slot waits back off to 120 s (about 60 s on average with full jitter): enough attempts to span the run.
    const slotWaitAttempts = Math.min(500, Math.max(10, Math.floor((minutes * 60) / 120)));
    return { sessionMinutes: sessionLengthMinutes, graceMinutes, timeout: Duration.minutes(minutes), slotWaitAttempts };
  }

  private definition(functions: StepFunctions, config: ZsaConfig, timing: Timing): sfn.IChainable {
    // States get their own scope: their names (the construct ids) may equal the functions' ids.
    const steps = new Construct(this, 'Steps');
    const task = (id: string, lambdaFunction: TeamFunction, props: { payload?: sfn.TaskInput; resultPath?: string | null; comment: string }) =>
      invokeLambda(steps, id, {
        lambdaFunction,
        payloadResponseOnly: true,
        comment: props.comment,
        ...(props.payload ? { payload: props.payload } : {}),
        ...(props.resultPath !== undefined ? { resultPath: props.resultPath === null ? sfn.JsonPath.DISCARD : props.resultPath } : {}),
      });

    const notifyFailure = task('NotifyFailure', functions.notify, {
      payload: sfn.TaskInput.fromObject({
        failure: { 'error.$': '$.error', 'alert.$': '$.alert' },
        'executionId.$': '$$.Execution.Id',
      }),
      resultPath: '$.notified',
      comment: 'Notifies why the diagnostics of this alert did not complete',
    });
    notifyFailure.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(5), maxAttempts: 4, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
    const failed = new sfn.Fail(steps, 'DiagnosticsFailed', { error: 'DiagnosticsFailed', cause: 'The diagnostics did not complete; the failure was notified' });
    notifyFailure.addCatch(new sfn.Fail(steps, 'NotificationFailed', { error: 'NotificationFailed', cause: 'The failure of these diagnostics could not be notified' }), {
      resultPath: '$.notifyError',
    });
    notifyFailure.next(failed);

    const resolve = withStandardErrorHandling(
      task('ResolveDevices', functions.resolveDevices, {
        payload: sfn.TaskInput.fromObject({ 'input.$': '$', 'executionName.$': '$$.Execution.Name' }),
        resultPath: '$.resolved',
        comment: 'Reads the alert and its affected devices; applies the per-alert cap and the device cooldown',
      }),
      notifyFailure,
    );

    // First look: a short first slice and its message before the deep traces start; the other
    // devices' first looks run beside the deep traces. A first look never fails the alert.
    const noFirstLook = { looks: [], remaining: [], done: true, slices: 0 };
    // Every first-look task retries what every Zscaler task does, then its own transient errors.
    const firstLookRetries = <T extends sfn.TaskStateBase>(state: T, ...own: sfn.RetryProps[]): T => addRetries(state, [...INVOCATION_RETRIES, ...REPLY_RETRIES, ...own]);
    const firstLookPayload = (withProgress: boolean) =>
      sfn.TaskInput.fromObject({
        'resolved.$': '$.resolved',
        'executionName.$': '$$.Execution.Name',
        'executionStartedAt.$': '$$.Execution.StartTime',
        ...(withProgress ? { 'progress.$': '$.firstLook' } : {}),
      });
    const firstLook = firstLookRetries(
      task('FirstLook', functions.firstLook, {
        payload: firstLookPayload(false),
        resultPath: '$.firstLook',
        comment: "First-look verdicts from ZDX's history for the most impacted devices, within seconds",
      }),
      { errors: [...RETRYABLE_ERROR_NAMES], interval: Duration.seconds(2), maxAttempts: 2, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL },
    );
    const notifyFirstLook = firstLookRetries(
      task('NotifyFirstLook', functions.notify, {
        payload: sfn.TaskInput.fromObject({ firstLook: { 'resolved.$': '$.resolved', 'progress.$': '$.firstLook' }, 'executionId.$': '$$.Execution.Id' }),
        resultPath: null,
        comment: 'Delivers the first look, marked as such (once per execution and channel)',
      }),
      { errors: [...RETRYABLE_ERROR_NAMES], interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL },
    );
    const firstLookMore = firstLookRetries(
      task('FirstLookMore', functions.firstLook, {
        payload: firstLookPayload(true),
        resultPath: '$.firstLook',
        comment: 'First looks of the devices still waiting, beside the deep traces',
      }),
      // BusyError: the shared ZDX budget had no room for any device (the deep traces took it); wait.
      { errors: [ErrorName.Busy], interval: Duration.seconds(10), maxAttempts: 30, backoffRate: 1.5, maxDelay: Duration.seconds(60), jitterStrategy: sfn.JitterType.FULL },
      { errors: [...RETRYABLE_ERROR_NAMES], interval: Duration.seconds(5), maxAttempts: 4, backoffRate: 2, maxDelay: Duration.seconds(60), jitterStrategy: sfn.JitterType.FULL },
    );
    const firstLookEnd = new sfn.Pass(steps, 'FirstLookEnd', { outputPath: '$.firstLook' });
    firstLookMore.addCatch(firstLookEnd, { errors: [sfn.Errors.ALL], resultPath: '$.firstLookError' });
    const firstLookDone = new sfn.Choice(steps, 'FirstLookDone?')
      .when(sfn.Condition.booleanEquals('$.firstLook.done', true), firstLookEnd)
      .otherwise(firstLookMore);
    firstLookMore.next(firstLookDone);

    const traceDevices = new sfn.Map(steps, 'TraceDevices', {
      comment: 'One deep trace per device, at most MaxConcurrency at once, within the tenant trace slots',
      itemsPath: '$.resolved.devices',
      itemSelector: {
        'device.$': '$$.Map.Item.Value',
        'alertId.$': '$.resolved.alert.alertId',
        'executionName.$': '$$.Execution.Name',
      },
      maxConcurrency: config.diagnostics.mapConcurrency,
      resultPath: '$.runs',
      outputPath: '$.runs',
    });
    traceDevices.itemProcessor(this.deviceIteration(steps, functions, timing, task));
    const traceAndLook = new sfn.Parallel(steps, 'TraceAndLook', {
      comment: 'The deep traces, and beside them the first looks of the devices still waiting',
      resultSelector: { 'runs.$': '$[0]', 'firstLook.$': '$[1]' },
      resultPath: '$.traced',
    });
    traceAndLook.branch(traceDevices);
    traceAndLook.branch(firstLookDone);
    traceAndLook.addCatch(notifyFailure, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
    const firstLookUnavailable = new sfn.Pass(steps, 'FirstLookUnavailable', {
      comment: 'No first look (it failed): the deep traces go on alone',
      result: sfn.Result.fromObject(noFirstLook),
      resultPath: '$.firstLook',
    });
    firstLook.addCatch(firstLookUnavailable, { errors: [sfn.Errors.ALL], resultPath: '$.firstLookError' });
    firstLookUnavailable.next(traceAndLook);
    notifyFirstLook.addCatch(traceAndLook, { errors: [sfn.Errors.ALL], resultPath: '$.firstLookNotifyError' });

    const diagnose = withStandardErrorHandling(
      task('Diagnose', functions.diagnose, {
        payload: sfn.TaskInput.fromObject({ 'resolved.$': '$.resolved', 'runs.$': '$.traced.runs', 'firstLook.$': '$.traced.firstLook', 'executionId.$': '$$.Execution.Id' }),
        resultPath: '$.report',
        comment: 'Per-device findings and the overall verdict',
      }),
      notifyFailure,
    );
    const notifyResult = withStandardErrorHandling(
      task('NotifyResult', functions.notify, {
        payload: sfn.TaskInput.fromObject({ 'result.$': '$.report', 'executionId.$': '$$.Execution.Id' }),
        resultPath: '$.notified',
        comment: 'Delivers the diagnosis to the configured channels (once per execution)',
      }),
      notifyFailure,
    );
    const done = new sfn.Pass(steps, 'Done', {
      parameters: { 'report.$': '$.report', 'notifications.$': '$.notified.notifications' },
    });
    return resolve.next(firstLook).next(notifyFirstLook).next(traceAndLook).next(diagnose).next(notifyResult).next(done);
  }

  private deviceIteration(
    steps: Construct,
    functions: StepFunctions,
    timing: Timing,
    task: (id: string, fn: TeamFunction, props: { payload?: sfn.TaskInput; resultPath?: string | null; comment: string }) => sfn.TaskStateBase,
  ): sfn.IChainable {
    const transientRetry: sfn.RetryProps = {
      errors: RETRYABLE_ERROR_NAMES.filter((name) => name !== ErrorName.Busy),
      interval: Duration.seconds(5),
      maxAttempts: 4,
      backoffRate: 2,
      maxDelay: Duration.seconds(60),
      jitterStrategy: sfn.JitterType.FULL,
    };
    const slotWait = (maxAttempts: number): sfn.RetryProps => ({
      errors: [ErrorName.Busy],
      interval: Duration.seconds(10),
      maxAttempts,
      backoffRate: 1.5,
      maxDelay: Duration.seconds(120),
      jitterStrategy: sfn.JitterType.FULL,
    });

    // Failure path: release the slot (idempotent) and turn the error into this device's result.
    // No ResultPath: the function's answer (the device's result) replaces the state.
    const releaseAfterError = task('ReleaseAfterError', functions.releaseTraceSlot, {
      comment: "Releases the device's slot after a failure and reports the device as errored",
    });
    releaseAfterError.addRetry(LAMBDA_SERVICE_RETRY);
    releaseAfterError.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2 });
    releaseAfterError.addCatch(
      new sfn.Pass(steps, 'DeviceErroredSlotExpires', {
        comment: 'The slot could not be released either; its lease expires on its own',
        parameters: { 'device.$': '$.device', outcome: 'error', traceId: null, 'error.$': '$.error' },
      }),
      { resultPath: '$.releaseError' },
    );
    // BusyError outside AcquireTraceSlot: the shared rate budget had no room before the Lambda's
    // deadline. Wait in Step Functions (free) rather than in Lambda.
    const budgetWait: sfn.RetryProps = {
      errors: [ErrorName.Busy],
      interval: Duration.seconds(10),
      maxAttempts: 10,
      backoffRate: 2,
      maxDelay: Duration.seconds(60),
      jitterStrategy: sfn.JitterType.FULL,
    };
    // Every Zscaler task also retries a crashed invocation and a garbled reply: each is idempotent
    // (StartDeepTrace recovers the trace a lost reply started, by its session name).
    const guarded = <T extends sfn.TaskStateBase>(state: T, extraRetries: sfn.RetryProps[] = [budgetWait]): T => {
      addRetries(state, [...INVOCATION_RETRIES, ...extraRetries, transientRetry, ...REPLY_RETRIES]);
      state.addCatch(releaseAfterError, { errors: [sfn.Errors.ALL], resultPath: '$.error' });
      return state;
    };
    const release = (id: string, comment: string, next: sfn.IChainable) => {
      const state = task(id, functions.releaseTraceSlot, { resultPath: null, comment });
      state.addRetry(LAMBDA_SERVICE_RETRY);
      state.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2 });
      // A slot that cannot be released expires with its lease; the device's result stands.
      state.addCatch(next, { resultPath: '$.releaseError' });
      return state.next(next);
    };

    const capped = new sfn.Pass(steps, 'DeviceCapped', {
      comment: 'Every tenant trace slot stayed taken for the whole wait',
      parameters: { 'device.$': '$.device', outcome: 'capped', traceId: null, reason: 'not traced: every tenant deep-trace slot stayed taken for the whole wait' },
    });
    const acquire = task('AcquireTraceSlot', functions.acquireTraceSlot, { resultPath: '$.slot', comment: 'Takes a tenant deep-trace slot; waits (retries) while all are taken' });
    addRetries(acquire, [...INVOCATION_RETRIES, slotWait(timing.slotWaitAttempts), transientRetry]);
    acquire.addCatch(capped, { errors: [ErrorName.Busy], resultPath: '$.error' });
    acquire.addCatch(releaseAfterError, { errors: [sfn.Errors.ALL], resultPath: '$.error' });

    const start = guarded(task('StartDeepTrace', functions.startDeepTrace, { resultPath: '$.trace', comment: "Picks the app's probes and starts the deep trace" }), [
      slotWait(Math.max(10, Math.floor(timing.slotWaitAttempts / 2))),
    ]);
    const noProbe = new sfn.Pass(steps, 'DeviceWithoutProbe', {
      parameters: { 'device.$': '$.device', outcome: 'no_probe', traceId: null, 'reason.$': '$.trace.reason' },
    });
    const waitForSession = new sfn.Wait(steps, 'WaitForSession', { comment: 'The trace collects data for its session length', time: sfn.WaitTime.secondsPath('$.trace.waitSeconds') });
    const getStatus = guarded(task('GetTraceStatus', functions.getTraceStatus, { resultPath: '$.status', comment: 'Polls the deep trace once' }));
    const waitForPoll = new sfn.Wait(steps, 'WaitForPoll', { time: sfn.WaitTime.secondsPath('$.status.pollSeconds') });
    const collect = guarded(
      task('CollectTraceResults', functions.collectTraceResults, {
        payload: sfn.TaskInput.fromObject({ 'device.$': '$.device', 'trace.$': '$.trace', 'status.$': '$.status' }),
        resultPath: '$.run',
        comment: 'Reads the six result endpoints (never deletes the trace)',
      }),
    );
    const deviceDone = new sfn.Pass(steps, 'DeviceDone', { outputPath: '$.run' });
    const traceEnded = new sfn.Pass(steps, 'TraceEnded', {
      comment: 'Failed, expired, aborted, or still running past the grace period: reported, data left in ZDX',
      parameters: { 'device.$': '$.device', 'outcome.$': '$.status.phase', 'traceId.$': '$.trace.traceId', 'traceStatus.$': '$.status.status' },
    });

    const traceStarted = new sfn.Choice(steps, 'TraceStarted?')
      .when(sfn.Condition.booleanEquals('$.trace.started', false), release('ReleaseWithoutTrace', 'No probe for the app on this device: slot back', noProbe))
      .otherwise(waitForSession);
    const traceStatus = new sfn.Choice(steps, 'TraceStatus?')
      .when(sfn.Condition.booleanEquals('$.status.collectable', true), collect)
      .when(sfn.Condition.stringEquals('$.status.phase', 'running'), waitForPoll)
      .otherwise(release('ReleaseAfterTraceEnded', 'The trace ended without results: slot back', traceEnded));
    waitForPoll.next(getStatus);
    collect.next(release('ReleaseTraceSlot', 'Results collected: slot back', deviceDone));
    waitForSession.next(getStatus).next(traceStatus);
    return acquire.next(start).next(traceStarted);
  }

  private webhookApi(intake: TeamFunction, config: ZsaConfig, retention: logs.RetentionDays): apigwv2.HttpApi {
    const api = new apigwv2.HttpApi(this, 'WebhookApi', {
      description: 'ZDX alert webhook for zscaler-aws-automations',
      createDefaultStage: false,
    });
    api.addRoutes({
      path: WEBHOOK_PATH,
      // Every method reaches AlertIntake, which answers 405 with a clear message for anything but POST.
      methods: [apigwv2.HttpMethod.ANY],
      integration: new HttpLambdaIntegration('AlertIntakeIntegration', intake, { payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0 }),
    });
    const accessLogs = new logs.LogGroup(this, 'WebhookAccessLogs', { retention });
    new apigwv2.HttpStage(this, 'WebhookStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: config.webhook.throttle.rate, burstLimit: config.webhook.throttle.burst },
      // JSON lines with what an operator needs to trace a delivery; never headers (the credential).
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            sourceIp: '$context.identity.sourceIp',
            method: '$context.httpMethod',
            route: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    for (const route of api.node.findAll()) {
      if (route instanceof apigwv2.HttpRoute) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'ZDX webhooks can only send a Basic or Bearer credential (no signature, no IAM, no JWT issuer); AlertIntake checks it against the webhook secret with a constant-time comparison and answers 401 otherwise.',
        });
      }
    }
    return api;
  }
}

