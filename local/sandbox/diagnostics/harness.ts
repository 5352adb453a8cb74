/**
 * The alert-diagnostics pipeline running locally end to end: the synthesized app (its real
 * AlertDiagnostics definition, manual-trigger rule and function environments), the real handlers
 * in-process through the shared {@link LocalStateMachineRunner}, DynamoDB Local, the Zscaler
 * simulator, and the shared {@link AwsStandIns} for the AWS APIs without a local emulator (the
 * webhook secret holds a per-run bearer token; StartExecution runs the local machine; SNS,
 * EventBridge and Slack messages are captured exactly as sent). Used by the sandbox
 * (`--zdx-alert`), by test/e2e/diagnostics and by the benchmarks.
 *
 * Webhooks go in through {@link DiagnosticsPipelineHarness.deliverWebhook} as the HTTP API would
 * deliver them (payload 2.0) to the real AlertIntake handler; manual requests through
 * {@link DiagnosticsPipelineHarness.requestManually}, only when the synthesized rule matches.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Stack } from 'aws-cdk-lib';
import { SIMULATOR_CREDENTIALS, ZIDENTITY_TOKEN_PATH, startSimulator, type DeepPartial, type RunningSimulator, type SimulatorConfig } from '../../simulator/index.js';
import type { ZdxAuth } from '../../../lambdas/zscaler/zdx/oneapi.js';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../../dynamodb-local.js';
import { parseConfig } from '../../../lib/settings/load.js';
import { type ZsaConfigInput } from '../../../lib/settings/schema.js';
import { MANUAL_TRIGGER_DETAIL_TYPE, MANUAL_TRIGGER_SOURCE, WEBHOOK_PATH } from '../../../lib/constructs/alert-diagnostics-workflow.js';
import { IntegrationStack } from '../../../lib/stacks/integration-stack.js';
import type { DiagnosticsReport } from '../../../lambdas/notify/results.js';
import { ZDX_RATE_TIERS } from '../../../lambdas/core/rate-budget/zdx-rate-tiers.js';
import { createDynamoClient } from '../../../lambdas/core/store/dynamo-client.js';
import { createTableInput } from '../../../lambdas/core/store/table-schema.js';
import { AwsStandIns, SANDBOX_SLACK_WEBHOOK, type CapturedNotification } from '../aws-stand-ins.js';
import { matchesEventPattern } from '../event-pattern.js';
import { LOCAL_ACCOUNT, LOCAL_REGION, LocalStateMachineRunner, type ExecutionStatus, type LocalExecution } from '../state-machine-runner.js';
import { resourcesOfType, synthesizeStack, type SynthesizedStack } from '../template.js';

export interface DiagnosticsHarnessOptions {
  /** A running DynamoDB Local; default: start one (needs Java). */
  readonly dynamoEndpoint?: string | undefined;
  /** How the pipeline reaches ZDX: the legacy API key, or ZIdentity + OneAPI (both on the simulator). @default 'api-key' */
  readonly zdxAuth?: ZdxAuth;
  /** Simulator settings over the harness's (time scale, limits, trace outcomes, faults...). */
  readonly simulator?: DeepPartial<SimulatorConfig>;
  /** Deployment configuration layered over the harness's (the simulator URL and license are set by it). */
  readonly config?: Partial<ZsaConfigInput>;
  /**
   * The limits of the shared ZDX rate budget (env ZDX_RATE_*), with no safety margin. Without them the
   * budget has the simulator's (tier 4) limits and the whole tenant (share 1); without `perHour`, the
   * hour and day are unbounded in the budget and the simulator alike. `windowScale` shortens every
   * budget window alike (the simulator's are set through `simulator`).
   */
  readonly zdxRate?: {
    readonly perSecond: number;
    readonly perMinute: number;
    readonly perHour?: number;
    readonly perDay?: number;
    readonly share?: number;
    readonly windowScale?: number;
    /** @default 0 */
    readonly safetyMargin?: number;
    /** @default 100 */
    readonly latencyAllowanceMs?: number;
  };
  /** Real ms per Wait state (one number or per state name). @default { WaitForSession: one session at the simulator's time scale, WaitForPoll: 20 } */
  readonly waitMs?: number | Readonly<Record<string, number>>;
  /** Real ms between retries (slot waits, rate limits). @default 25 */
  readonly retryIntervalMs?: number;
  /** Post Slack messages to this real webhook too. */
  readonly realSlackWebhook?: string | undefined;
  /** Progress lines (state entered, with the execution). */
  readonly onProgress?: (line: string) => void;
  /** Every state entered, with its execution's name and the state's type (benchmarks time and count the steps with it). */
  readonly onState?: (executionName: string, stateName: string, stateType: string) => void;
}

/** What the webhook answered. */
export interface WebhookAnswer {
  readonly statusCode: number;
  /** The response headers the handler set (`www-authenticate`, `retry-after`, `allow`...). */
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
}

/** One finished execution: its diagnosis or failure and what was notified. */
export interface DiagnosticsOutcome {
  readonly executionName: string;
  readonly status: ExecutionStatus;
  readonly report: DiagnosticsReport | null;
  /** Why the execution did not produce a report (the NotifyFailure report, or the execution's error). */
  readonly failure: { readonly reason: string; readonly message: string } | null;
  readonly notifications: ReadonlyArray<Pick<CapturedNotification, 'channel' | 'payload'>>;
}

/** A 5-minute session lasts 90 ms at the default time scale. */
const DEFAULT_TIME_SCALE = 0.0003;

/**
 * ZDX limits of local runs: licence tier 4 (the real 5 per second, 180 per minute, 9,000 per hour),
 * so a demo alert is not held up for minutes by tier 1's 30 per minute. Both the simulator and the
 * budget use them; the budget takes the whole of it (the simulated tenant has no other API users).
 */
const LOCAL_ZDX_TIER = 4;
const LOCAL_ZDX_LIMITS = ZDX_RATE_TIERS[LOCAL_ZDX_TIER];

/**
 * The webhook bearer token of every harness in this process. One per process, not per harness: the
 * handlers run in-process and cache secrets by ARN (SECRETS_MAX_AGE_SECONDS), and every harness's
 * webhook secret has the same ARN, so a second harness with a fresh token would see its deliveries
 * refused as "wrong credential" (several benchmarks in one `npm run bench`).
 */
const LOCAL_WEBHOOK_TOKEN = `local-${randomUUID()}`;

/** The pipeline, running locally. Create with {@link DiagnosticsPipelineHarness.start}; always `close()`. */
export class DiagnosticsPipelineHarness {
  private constructor(
    readonly simulator: RunningSimulator,
    readonly runner: LocalStateMachineRunner,
    readonly standIns: AwsStandIns,
    readonly stack: SynthesizedStack,
    readonly dynamo: DynamoDBClient,
    readonly tableName: string,
    /** The bearer token the webhook secret holds in this run. */
    readonly webhookToken: string,
    private readonly functions: { readonly intake: string; readonly manual: string },
    private readonly manualPattern: unknown,
    private readonly ownedDynamo: RunningDynamoDbLocal | undefined,
  ) {}

  /** Starts the simulator (and DynamoDB Local unless given), synthesizes the app, installs the stand-ins. */
  static async start(options: DiagnosticsHarnessOptions = {}): Promise<DiagnosticsPipelineHarness> {
    const simulator = await startSimulator({ seed: 7, config: { timeScale: DEFAULT_TIME_SCALE, zdx: { rateLimit: { ...LOCAL_ZDX_LIMITS } } } });
    let ownedDynamo: RunningDynamoDbLocal | undefined;
    try {
      // Explicit second/minute limits without hour/day ones: only those two windows are enforced, on both sides.
      if (options.zdxRate && options.zdxRate.perHour === undefined) simulator.update({ zdx: { rateLimit: { perHour: UNBOUNDED, perDay: UNBOUNDED } } });
      if (options.simulator) simulator.update(options.simulator);
      ownedDynamo = options.dynamoEndpoint ? undefined : await startDynamoDbLocal();
      const endpoint = options.dynamoEndpoint ?? (ownedDynamo as RunningDynamoDbLocal).endpoint;
      // Same Region as the handlers: DynamoDB Local keeps one database per credential and Region.
      const dynamo = createDynamoClient({ endpoint, region: LOCAL_REGION });
      const tableName = `zsa-local-${randomUUID().slice(0, 8)}`;
      await dynamo.send(new CreateTableCommand(createTableInput(tableName)));

      const config = parseConfig({
        zcspmLicenseId: SIMULATOR_CREDENTIALS.zcspm.licenseId,
        zcspmBaseUrl: simulator.url,
        zdxBaseUrl: simulator.url,
        ...(options.zdxAuth === 'oneapi' ? { zdx: { auth: 'oneapi', tokenUrl: `${simulator.url}${ZIDENTITY_TOKEN_PATH}`, oneApiBaseUrl: simulator.url } } : {}),
        ...options.config,
        diagnostics: { zdxRateTier: LOCAL_ZDX_TIER, zdxRateShare: 1, ...options.config?.diagnostics },
        notifications: { slack: { enabled: true }, sns: { enabled: true }, eventBridge: { enabled: true }, ...options.config?.notifications },
      });
      const stack = synthesizeStack((app) => new IntegrationStack(app, 'ZscalerAwsAutomations', { config }) as Stack);
      const sessionMs = config.diagnostics.sessionLengthMinutes * 60_000 * simulator.config.timeScale;
      const progress = options.onProgress;
      const runner = new LocalStateMachineRunner({
        stack,
        refs: (_logicalId, resource) => (resource.Type === 'AWS::DynamoDB::Table' ? tableName : undefined),
        waitMs: options.waitMs ?? { WaitForSession: Math.ceil(sessionMs), WaitForPoll: 20 },
        retryIntervalMs: options.retryIntervalMs ?? 25,
        ...(progress || options.onState
          ? {
              onState: (execution: LocalExecution, state: { name: string; type: string; input: unknown }) => {
                options.onState?.(execution.name, state.name, state.type);
                const line = progress ? describeState(execution.name, state.name, state.input) : undefined;
                if (line) progress?.(line);
              },
            }
          : {}),
      });
      const functions = {
        intake: runner.functionLogicalId('AlertDiagnostics/AlertIntake'),
        manual: runner.functionLogicalId('AlertDiagnostics/ManualTrace'),
      };
      runner.applyEnvironment();
      Object.assign(process.env, {
        DYNAMODB_ENDPOINT: endpoint,
        ...(options.zdxRate ? budgetEnv(options.zdxRate) : {}),
      });

      const webhookToken = LOCAL_WEBHOOK_TOKEN;
      const secret = (path: string) => runner.resolver.arnOf(resourcesOfType(stack.template, 'AWS::SecretsManager::Secret', path)[0] ?? path);
      const standIns = new AwsStandIns({
        runner,
        secrets: {
          [secret('Credentials/Zdx')]: options.zdxAuth === 'oneapi' ? { ...SIMULATOR_CREDENTIALS.oneApi } : { ...SIMULATOR_CREDENTIALS.zdx },
          [secret('Credentials/Webhook')]: { bearerToken: webhookToken },
          [secret('Credentials/Slack')]: { webhookUrl: options.realSlackWebhook ?? SANDBOX_SLACK_WEBHOOK },
          [secret('Credentials/Zcspm')]: {
            applicationId: SIMULATOR_CREDENTIALS.zcspm.applicationId,
            applicationSecret: SIMULATOR_CREDENTIALS.zcspm.applicationSecret,
            subscriptionKey: SIMULATOR_CREDENTIALS.zcspm.subscriptionKey,
          },
        },
        realSlackWebhook: options.realSlackWebhook,
      }).install();

      const [manualRule] = resourcesOfType(stack.template, 'AWS::Events::Rule', 'AlertDiagnostics/ManualRequestRule');
      const manualPattern = manualRule ? stack.template.Resources[manualRule]?.Properties?.EventPattern : undefined;
      return new DiagnosticsPipelineHarness(simulator, runner, standIns, stack, dynamo, tableName, webhookToken, functions, manualPattern, ownedDynamo);
    } catch (error) {
      await simulator.close();
      await ownedDynamo?.stop();
      throw error;
    }
  }

  /** Delivers one webhook as the HTTP API would (payload 2.0). Defaults: POST, JSON, this run's bearer token. */
  async deliverWebhook(body: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<WebhookAnswer> {
    const headers = options.headers ?? { authorization: `Bearer ${this.webhookToken}`, 'content-type': 'application/json' };
    const event = {
      version: '2.0',
      routeKey: `ANY ${WEBHOOK_PATH}`,
      rawPath: WEBHOOK_PATH,
      rawQueryString: '',
      headers,
      requestContext: { accountId: LOCAL_ACCOUNT, http: { method: options.method ?? 'POST', path: WEBHOOK_PATH, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1' }, requestId: randomUUID() },
      body,
      isBase64Encoded: false,
    };
    const response = (await this.runner.invoke(this.functions.intake, event)) as { statusCode: number; headers?: Record<string, string>; body: string };
    return { statusCode: response.statusCode, headers: response.headers ?? {}, body: JSON.parse(response.body) as Record<string, unknown> };
  }

  /** Sends a manual request as EventBridge would: to ManualTrace only when the synthesized rule matches. */
  async requestManually(detail: Record<string, unknown>, eventId: string = randomUUID()): Promise<{ delivered: boolean; result?: unknown }> {
    const event = {
      version: '0',
      id: eventId,
      'detail-type': MANUAL_TRIGGER_DETAIL_TYPE,
      source: MANUAL_TRIGGER_SOURCE,
      account: LOCAL_ACCOUNT,
      region: LOCAL_REGION,
      time: new Date().toISOString(),
      resources: [],
      detail,
    };
    if (!matchesEventPattern(this.manualPattern, event)) return { delivered: false };
    return { delivered: true, result: await this.runner.invoke(this.functions.manual, event) };
  }

  /** Resolves when no execution runs any more. */
  idle(): Promise<void> {
    return this.runner.idle();
  }

  /** Every execution started so far. */
  executions(): LocalExecution[] {
    return [...this.runner.executions.values()];
  }

  /** One entry per finished execution, in start order. */
  outcomes(): DiagnosticsOutcome[] {
    return this.executions()
      .filter((execution) => execution.status !== 'RUNNING')
      .map((execution) => {
        const output = execution.output as { report?: DiagnosticsReport } | undefined;
        const failureRun = this.runner.taskRuns.find((run) => run.executionName === execution.name && run.stateName === 'NotifyFailure');
        const failureReport = failureRun ? failureReportOf(failureRun.input) : null;
        const failure = output?.report
          ? null
          : failureReport ?? { reason: execution.error?.Error ?? execution.status, message: String(execution.error?.Cause ?? 'the execution did not finish') };
        return {
          executionName: execution.name,
          status: execution.status,
          report: output?.report ?? null,
          failure,
          notifications: this.standIns.notifications
            .filter((notification) => notification.task?.executionName === execution.name)
            .map(({ channel, payload }) => ({ channel, payload })),
        };
      });
  }

  async close(): Promise<void> {
    await this.idle();
    await this.standIns.restore();
    await this.dynamo.send(new DeleteTableCommand({ TableName: this.tableName })).catch(() => undefined);
    this.dynamo.destroy();
    await this.simulator.close();
    await this.ownedDynamo?.stop();
  }
}

/** Hour and day limits of runs that set only the second and the minute: never reached. */
const UNBOUNDED = 1_000_000_000;

/** The env of the shared rate budget for explicit limits (unset hour and day: unbounded; share 1). */
function budgetEnv(rate: NonNullable<DiagnosticsHarnessOptions['zdxRate']>): Record<string, string> {
  return {
    ZDX_RATE_PER_SECOND: String(rate.perSecond),
    ZDX_RATE_PER_MINUTE: String(rate.perMinute),
    ZDX_RATE_PER_HOUR: String(rate.perHour ?? UNBOUNDED),
    ZDX_RATE_PER_DAY: String(rate.perDay ?? UNBOUNDED),
    ZDX_RATE_SHARE: String(rate.share ?? 1),
    ZDX_RATE_WINDOW_SCALE: String(rate.windowScale ?? 1),
    ZDX_RATE_SAFETY_MARGIN: String(rate.safetyMargin ?? 0),
    ZDX_RATE_LATENCY_ALLOWANCE_MS: String(rate.latencyAllowanceMs ?? 100),
  };
}

/** The failure as NotifyFailure received it (`{ failure: { error, alert } }`). */
function failureReportOf(input: unknown): { reason: string; message: string } | null {
  const error = (input as { failure?: { error?: { Error?: string; Cause?: string } } } | undefined)?.failure?.error;
  if (!error) return null;
  let message = error.Cause ?? '';
  try {
    const parsed = JSON.parse(message) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') message = parsed.errorMessage;
  } catch {
    // plain text
  }
  return { reason: error.Error ?? 'Error', message };
}

/** A progress line for an AlertDiagnostics state (undefined for states not worth a line). */
function describeState(executionName: string, name: string, input: unknown): string | undefined {
  const state = (input ?? {}) as {
    device?: { deviceId?: string; deviceName?: string };
    resolved?: { devices?: unknown[]; skipped?: unknown[] };
    trace?: { traceId?: string; waitSeconds?: number };
    status?: { status?: string; polls?: number };
    firstLook?: { looks?: Array<{ deviceId: string; deviceName?: string; look: { verdict: string; headline: string; secondsAfterWebhook: number } }>; remaining?: unknown[] };
  };
  const device = state.device ? `device ${state.device.deviceName ?? state.device.deviceId}` : '';
  switch (name) {
    case 'ResolveDevices':
      return `${executionName}: reading the alert and its affected devices`;
    case 'FirstLook':
      return `${executionName}: first look: reading ZDX's history of the most impacted devices`;
    case 'NotifyFirstLook': {
      const looks = state.firstLook?.looks ?? [];
      const lines = looks.map((entry) => `  ${entry.deviceName ?? entry.deviceId}: ${entry.look.headline} (+${entry.look.secondsAfterWebhook} s)`);
      return [`${executionName}: FIRST LOOK (${looks.length} device(s), ${state.firstLook?.remaining?.length ?? 0} still to look at), notifying:`, ...lines].join('\n');
    }
    case 'TraceDevices':
      return `${executionName}: tracing ${state.resolved?.devices?.length ?? 0} device(s), ${state.resolved?.skipped?.length ?? 0} skipped or capped`;
    case 'StartDeepTrace':
      return `${executionName}: ${device}: slot taken, starting the deep trace`;
    case 'WaitForSession':
      return `${executionName}: ${device}: trace ${state.trace?.traceId} runs for ${Math.round((state.trace?.waitSeconds ?? 0) / 60)} min (waits are compressed)`;
    case 'CollectTraceResults':
      return `${executionName}: ${device}: trace ${state.status?.status} after ${state.status?.polls} poll(s), collecting the six results`;
    case 'DeviceCapped':
      return `${executionName}: ${device}: no trace slot freed up in time (capped)`;
    case 'Diagnose':
      return `${executionName}: diagnosing`;
    case 'NotifyResult':
      return `${executionName}: notifying the diagnosis`;
    case 'NotifyFailure':
      return `${executionName}: notifying the failure`;
    default:
      return undefined;
  }
}
