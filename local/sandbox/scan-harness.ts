/**
 * The post-deploy scan pipeline running locally end to end: the synthesized app (its real
 * PostDeployScan definition, rule pattern and function environments), the real handlers
 * in-process, DynamoDB Local, the Zscaler simulator, and stand-ins for the AWS APIs without a local
 * emulator. Used by `npm start` (the sandbox) and by test/e2e/scan.
 *
 * Events go in through {@link ScanPipelineHarness.deliver}, exactly as EventBridge would deliver
 * them: only when the synthesized rule's pattern matches, then to the real ScanRequest handler,
 * whose StartExecution runs the local state machine.
 */
import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { StackResourceSummary } from '@aws-sdk/client-cloudformation';
import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import type { Stack } from 'aws-cdk-lib';
import { SIMULATOR_CREDENTIALS, startSimulator, type DeepPartial, type RunningSimulator, type SimulatorConfig } from '../simulator/index.js';
import { startDynamoDbLocal, type RunningDynamoDbLocal } from '../dynamodb-local.js';
import { parseConfig } from '../../lib/settings/load.js';
import { type ZsaConfigInput } from '../../lib/settings/schema.js';
import { IntegrationStack } from '../../lib/stacks/integration-stack.js';
import type { Deployment, Posture, ScanDelta, ScanReport } from '../../lambdas/notify/results.js';
import { createDynamoClient } from '../../lambdas/core/store/dynamo-client.js';
import { createTableInput } from '../../lambdas/core/store/table-schema.js';
import { parseDeploymentEvent } from '../../lambdas/scan/domain/cfn-event.js';
import type { ScanRequestResult } from '../../lambdas/scan/steps/request-scan.js';
import { ScanWindowStore } from '../../lambdas/scan/adapters/scan-window-store.js';
import type { NotifyOutput } from '../../lambdas/scan/steps/notify-scan.js';
import { AwsStandIns, SANDBOX_SLACK_WEBHOOK, type CapturedNotification } from './aws-stand-ins.js';
import { matchesEventPattern } from './event-pattern.js';
import { LOCAL_REGION, LocalStateMachineRunner, type LocalExecution, type TaskHooks } from './state-machine-runner.js';
import { functionEnvironment, resourcesOfType, synthesizeStack, type SynthesizedStack } from './template.js';

export interface ScanHarnessOptions {
  /** AWS accounts mapped to (simulated, created on demand) ZCSPM accounts; any other account is unmapped. */
  readonly awsAccounts: readonly string[];
  /** A running DynamoDB Local; default: start one (needs Java). */
  readonly dynamoEndpoint?: string;
  /** Simulator settings (scan duration, outcomes, faults...). */
  readonly simulator?: DeepPartial<SimulatorConfig>;
  /** Deployment configuration layered over the harness's (mappings, simulator URLs and license are set by it). */
  readonly config?: Partial<ZsaConfigInput>;
  /** Local changes to the functions' SCAN_SETTINGS (e.g. a scan deadline of seconds). */
  readonly scanSettings?: (settings: Record<string, unknown>) => Record<string, unknown>;
  /** Real ms per Wait state (one number or per state name). @default { WaitForScan: 10 } */
  readonly waitMs?: number | Readonly<Record<string, number>>;
  /** Real ms between retries. @default 5 */
  readonly retryIntervalMs?: number;
  /** StartExecution queues until {@link ScanPipelineHarness.releaseExecutions}. @default false */
  readonly deferExecutions?: boolean;
  /** Post Slack messages to this real webhook too. */
  readonly realSlackWebhook?: string | undefined;
  /** Resources ListStackResources answers for a stack id. @default none */
  readonly stackResources?: (stackId: string) => readonly StackResourceSummary[];
  /** Progress lines (state entered, with the execution). */
  readonly onProgress?: (line: string) => void;
}

/** What happened to one delivered event. */
export type DeliveryOutcome =
  | { readonly delivered: false; readonly reason: string }
  | { readonly delivered: true; readonly result: ScanRequestResult };

/** One scan (or scan failure) of one window, as its Notify step saw it. */
export interface ScanOutcome {
  readonly executionName: string;
  readonly awsAccountId: string;
  readonly region: string;
  readonly zcspmAccountId: string;
  readonly jobId: string | null;
  /** The job's final status (`Success`, `Failed`), or `TimedOut` / the failure reason. */
  readonly status: string;
  readonly isFollowUp: boolean;
  readonly deployments: ReadonlyArray<Pick<Deployment, 'stackId' | 'stackName' | 'status'>>;
  readonly posture: Posture | null;
  readonly delta: ScanDelta | null;
  readonly report: ScanReport | null;
  readonly failure: { readonly reason: string } | null;
  readonly notifications: ReadonlyArray<Pick<CapturedNotification, 'channel' | 'payload'>>;
  /** The findings this scan's notify step gave to BatchImportFindings (empty with Security Hub off). */
  readonly securityHubFindings: readonly AwsSecurityFinding[];
}


/** The pipeline, running locally. Create with {@link ScanPipelineHarness.start}; always `close()`. */
export class ScanPipelineHarness {
  /** Called around every task; tests set them to act at a point of a running execution. */
  readonly hooks: TaskHooks = {};
  /** AWS account -> ZCSPM account of every mapped account. */
  readonly mappings: Readonly<Record<string, string>>;

  private constructor(
    readonly simulator: RunningSimulator,
    readonly runner: LocalStateMachineRunner,
    readonly standIns: AwsStandIns,
    readonly stack: SynthesizedStack,
    readonly dynamo: DynamoDBClient,
    readonly tableName: string,
    mappings: Record<string, string>,
    private readonly rulePatterns: readonly unknown[],
    private readonly scanRequestFunction: string,
    private readonly ownedDynamo: RunningDynamoDbLocal | undefined,
  ) {
    this.mappings = mappings;
  }

  /** Starts the simulator (and DynamoDB Local unless given), synthesizes the app, installs the stand-ins. */
  static async start(options: ScanHarnessOptions): Promise<ScanPipelineHarness> {
    const simulator = await startSimulator({ config: { timeScale: 0.001, ...options.simulator } });
    let ownedDynamo: RunningDynamoDbLocal | undefined;
    try {
      ownedDynamo = options.dynamoEndpoint ? undefined : await startDynamoDbLocal();
      const endpoint = options.dynamoEndpoint ?? (ownedDynamo as RunningDynamoDbLocal).endpoint;
      // Same Region as the handlers: DynamoDB Local keeps one database per credential and Region.
      const dynamo = createDynamoClient({ endpoint, region: LOCAL_REGION });
      const tableName = `zsa-local-${randomUUID().slice(0, 8)}`;
      await dynamo.send(new CreateTableCommand(createTableInput(tableName)));

      const mappings = Object.fromEntries(options.awsAccounts.map((account) => [account, simulator.ensureAwsAccount(account)]));
      const config = parseConfig({
        zcspmLicenseId: SIMULATOR_CREDENTIALS.zcspm.licenseId,
        zcspmBaseUrl: simulator.url,
        zdxBaseUrl: simulator.url,
        ...options.config,
        accountMappings: mappings,
        notifications: {
          slack: { enabled: true },
          sns: { enabled: true },
          eventBridge: { enabled: true },
          ...options.config?.notifications,
        },
      });
      const stack = synthesizeStack((app) => new IntegrationStack(app, 'ZscalerAwsAutomations', { config }) as Stack);

      let created: ScanPipelineHarness | undefined;
      const progress = options.onProgress;
      const runner = new LocalStateMachineRunner({
        stack,
        refs: (_logicalId, resource) => (resource.Type === 'AWS::DynamoDB::Table' ? tableName : undefined),
        waitMs: options.waitMs ?? { WaitForScan: 10 },
        retryIntervalMs: options.retryIntervalMs ?? 5,
        // The harness's hooks object is read at each task, so tests may change it at any time.
        hooks: {
          before: (task) => created?.hooks.before?.(task),
          after: (task) => created?.hooks.after?.(task),
        },
        ...(progress
          ? {
              onState: (_execution: LocalExecution, state: { name: string; input: unknown }) => {
                const line = describeState(state.name, state.input);
                if (line) progress(line);
              },
            }
          : {}),
      });
      const scanRequestFunction = runner.functionLogicalId('PostDeployScan/ScanRequest');
      const scanFunction = runner.functionLogicalId('PostDeployScan/InitiateScan');
      const settings = JSON.parse(functionEnvironment(stack.template, runner.resolver, scanFunction).SCAN_SETTINGS ?? '{}') as Record<string, unknown>;
      runner.applyEnvironment();
      Object.assign(process.env, {
        DYNAMODB_ENDPOINT: endpoint,
        SCAN_SETTINGS: JSON.stringify(options.scanSettings ? options.scanSettings(settings) : settings),
        // Local stacks live in the sandbox's accounts, not in the fake "home" account of the synthesized stack.
        HOME_ACCOUNT_ID: '',
      });

      const secret = (path: string) => runner.resolver.arnOf(resourcesOfType(stack.template, 'AWS::SecretsManager::Secret', path)[0] ?? path);
      const standIns = new AwsStandIns({
        runner,
        secrets: {
          [secret('Credentials/Zcspm')]: {
            applicationId: SIMULATOR_CREDENTIALS.zcspm.applicationId,
            applicationSecret: SIMULATOR_CREDENTIALS.zcspm.applicationSecret,
            subscriptionKey: SIMULATOR_CREDENTIALS.zcspm.subscriptionKey,
          },
          [secret('Credentials/Zdx')]: { ...SIMULATOR_CREDENTIALS.zdx },
          [secret('Credentials/Slack')]: { webhookUrl: options.realSlackWebhook ?? SANDBOX_SLACK_WEBHOOK },
          [secret('Credentials/Webhook')]: { bearerToken: randomUUID() },
        },
        ...(options.stackResources ? { stackResources: options.stackResources } : {}),
        realSlackWebhook: options.realSlackWebhook,
        deferExecutions: options.deferExecutions ?? false,
      }).install();

      const rulePatterns = resourcesOfType(stack.template, 'AWS::Events::Rule', 'PostDeployScan').map(
        (logicalId) => stack.template.Resources[logicalId]?.Properties?.EventPattern,
      );
      created = new ScanPipelineHarness(simulator, runner, standIns, stack, dynamo, tableName, mappings, rulePatterns, scanRequestFunction, ownedDynamo);
      return created;
    } catch (error) {
      await simulator.close();
      await ownedDynamo?.stop();
      throw error;
    }
  }

  /** Delivers one event as EventBridge would: to ScanRequest only when the synthesized rule matches it. */
  async deliver(event: unknown): Promise<DeliveryOutcome> {
    if (!this.rulePatterns.some((pattern) => matchesEventPattern(pattern, event))) {
      return { delivered: false, reason: describeMismatch(event) };
    }
    const result = (await this.runner.invoke(this.scanRequestFunction, event)) as ScanRequestResult;
    return { delivered: true, result };
  }

  /** Runs the executions StartExecution queued (deferred mode). */
  releaseExecutions(): LocalExecution[] {
    return this.standIns.releaseExecutions();
  }

  /** Resolves when no execution runs any more. */
  idle(): Promise<void> {
    return this.runner.idle();
  }

  /** Every execution started so far. */
  executions(): LocalExecution[] {
    return [...this.runner.executions.values()];
  }

  /** One entry per notified scan (result or failure), in the order they were notified. */
  async scanOutcomes(): Promise<ScanOutcome[]> {
    const windows = new ScanWindowStore({ dynamo: this.dynamo, tableName: this.tableName });
    const notifyRuns = this.runner.taskRuns.filter(
      (run) => (run.stateName === 'NotifyResult' || run.stateName === 'NotifyFailure') && run.output !== undefined,
    );
    const outcomes: ScanOutcome[] = [];
    for (const run of notifyRuns) {
      const input = run.input as { mode: 'result' | 'failure'; state: NotifyState };
      const output = run.output as NotifyOutput;
      const { window, scan } = input.state;
      const report = input.mode === 'result' ? (input.state.report as ScanReport) : null;
      const sent = this.standIns.notifications.filter((notification) => notification.task?.taskId === run.taskId);
      const deployments = report ? report.deployments : await windows.deployments(window);
      outcomes.push({
        executionName: run.executionName,
        awsAccountId: window.awsAccountId,
        region: report?.region ?? window.region,
        zcspmAccountId: window.zcspmAccountId,
        jobId: report?.jobId ?? scan?.jobId ?? null,
        status: report ? report.jobStatus : output.outcome === 'ScanFailed' ? (scan?.jobStatus ?? 'Failed') : output.outcome === 'Timeout' ? 'TimedOut' : output.outcome,
        isFollowUp: window.isFollowUp,
        deployments: deployments.map(({ stackId, stackName, status }) => ({ stackId, stackName, status })),
        posture: report?.posture ?? null,
        delta: report?.delta ?? null,
        report,
        failure: report ? null : { reason: output.outcome },
        notifications: sent.map(({ channel, payload }) => ({ channel, payload })),
        securityHubFindings: sent
          .filter((notification) => notification.channel === 'securityhub')
          .flatMap((notification) => (notification.payload as { Findings: AwsSecurityFinding[] }).Findings),
      });
    }
    return outcomes;
  }

  /** Notifications sent outside any state machine (ScanRequest's unmapped-account notices). */
  requestNotifications(): ReadonlyArray<Pick<CapturedNotification, 'channel' | 'payload'>> {
    return this.standIns.notifications.filter((notification) => notification.task === undefined).map(({ channel, payload }) => ({ channel, payload }));
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

interface NotifyState {
  window: { zcspmAccountId: string; windowId: string; seq: number; awsAccountId: string; region: string; isFollowUp: boolean };
  scan?: { jobId?: string; jobStatus?: string };
  report?: unknown;
}

/** Why the first status check comes when it does: the account's scan history, or none yet. */
function firstCheckBasis(plan: unknown): string {
  const expected = (plan as { expectedSeconds?: unknown } | undefined)?.expectedSeconds;
  return typeof expected === 'number' ? `recent scans of this account took about ${expected} s` : 'no scan history for this account yet: a fixed first wait';
}

/** A progress line for a PostDeployScan state (undefined for states not worth a line). */
function describeState(name: string, input: unknown): string | undefined {
  const state = (input ?? {}) as { window?: { awsAccountId?: string; debounceSeconds?: number; isFollowUp?: boolean }; scan?: Record<string, unknown>; next?: { outcome?: string } };
  const who = `account ${state.window?.awsAccountId ?? '?'}`;
  const scan = state.scan ?? {};
  switch (name) {
    case 'Debounce':
      return `${who}: ${state.window?.isFollowUp ? 'follow-up ' : ''}scan window open for ${state.window?.debounceSeconds ?? 0} s (waits are compressed)`;
    case 'InitiateScan':
      return `${who}: starting the ZCSPM scan`;
    case 'WaitForScan':
      return `${who}: job ${String(scan.jobId)} - next status check in ${String(scan.waitSeconds)} s${scan.checks === 0 ? ` (first check, ${firstCheckBasis(scan.plan)})` : ''}`;
    case 'ScanStatus?':
      return `${who}: check #${String(scan.checks)}: ${String(scan.jobStatus)}`;
    case 'CollectReport':
      return `${who}: collecting posture, failed assets and the delta`;
    case 'NotifyResult':
      return `${who}: notifying the report`;
    case 'NotifyFailure':
      return `${who}: notifying the failure`;
    case 'StartFollowUp':
      return `${who}: deployments landed during the scan: one follow-up scan`;
    case 'Done':
    case 'ScanNotCompleted':
      return `${who}: execution ends (${name})`;
    default:
      return undefined;
  }
}

/** Why the rule would not deliver an event (EventBridge itself says nothing; the sandbox explains). */
function describeMismatch(event: unknown): string {
  const parsed = parseDeploymentEvent(event);
  if (!parsed.ok) return parsed.reason;
  const { status, stackName } = parsed.deployment;
  return `${parsed.kind === 'stack' ? 'stack' : 'StackSet instance'} ${stackName} ${status} does not match the PostDeployScan rule's event pattern`;
}
