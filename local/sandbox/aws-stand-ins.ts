/**
 * Local stand-ins for the AWS services that have no local emulator, for in-process runs of the real
 * handlers: Secrets Manager (fixed values), Step Functions' StartExecution (runs the local state
 * machine), CloudFormation's ListStackResources (given resources), SNS Publish and EventBridge
 * PutEvents (recorded), STS AssumeRole and Security Hub BatchImportFindings (a findings store that,
 * like Security Hub, updates a finding imported again under the same Id and refuses findings of an
 * account other than the caller's), plus Slack incoming webhooks (recorded through undici's global dispatcher;
 * answered locally, or really posted when a real webhook URL is configured).
 *
 * Every captured notification is tagged with the task that sent it ({@link currentTask}), so the
 * sandbox can attribute each message to the scan or alert it belongs to.
 */
import { CloudFormationClient, ListStackResourcesCommand, type StackResourceSummary } from '@aws-sdk/client-cloudformation';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { BatchImportFindingsCommand, SecurityHubClient, type AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { Agent, MockAgent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { LOCAL_ACCOUNT, currentTask, type LocalExecution, type LocalStateMachineRunner, type TaskContext } from './state-machine-runner.js';
import { executionArnOf } from '../../lambdas/core/aws/arns.js';

/** The sandbox's Slack webhook when no real one is given; answered locally, never sent. */
export const SANDBOX_SLACK_WEBHOOK = 'https://hooks.slack.com/services/TSANDBOX/BSANDBOX/sandbox-webhook';

/** One message a notifier sent, exactly as it was sent (for Security Hub: one BatchImportFindings call). */
export interface CapturedNotification {
  readonly channel: 'slack' | 'sns' | 'eventbridge' | 'securityhub';
  readonly payload: unknown;
  /** The task that sent it (undefined outside a state machine task, e.g. ScanRequest). */
  readonly task: TaskContext | undefined;
}

export interface AwsStandInsOptions {
  readonly runner: LocalStateMachineRunner;
  /** Secret ARN -> the JSON value GetSecretValue returns. */
  readonly secrets: Readonly<Record<string, unknown>>;
  /** Resources ListStackResources returns for a stack id (default: none). */
  readonly stackResources?: (stackId: string) => readonly StackResourceSummary[];
  /** A real Slack webhook URL: messages are then really posted (and still captured). */
  readonly realSlackWebhook?: string | undefined;
  /** StartExecution only queues executions until {@link AwsStandIns.releaseExecutions}. @default false */
  readonly deferExecutions?: boolean;
}

/** Access key id prefix of the credentials the STS stand-in issues; the account id follows it. */
const ASSUMED_KEY_PREFIX = 'ASIASANDBOX';
/** Credentials of the process itself: the central account's role (never real ones, nothing leaves the process). */
const CENTRAL_CREDENTIALS = { AWS_ACCESS_KEY_ID: 'AKIASANDBOXCENTRAL', AWS_SECRET_ACCESS_KEY: 'sandbox-central' } as const;

/** Installs the stand-ins; `restore()` removes them. One set per process at a time. */
export class AwsStandIns {
  readonly notifications: CapturedNotification[] = [];
  /** Security Hub's findings as imported, by account, Region and Id: a re-import replaces the finding. */
  readonly securityHubFindings = new Map<string, AwsSecurityFinding>();
  /** Every role ARN assumed through STS, in order. */
  readonly assumedRoles: string[] = [];
  #previousCredentials: Record<string, string | undefined> = {};
  readonly #options: AwsStandInsOptions;
  readonly #stubs: Array<{ restore(): void }> = [];
  readonly #queued: Array<{ stateMachine: string; name: string; input: unknown }> = [];
  #deferred: boolean;
  #previousDispatcher: Dispatcher | undefined;
  #slackDispatcher: Dispatcher | undefined;

  constructor(options: AwsStandInsOptions) {
    this.#options = options;
    this.#deferred = options.deferExecutions ?? false;
  }

  install(): this {
    const { runner } = this.#options;
    const secrets = mockClient(SecretsManagerClient);
    secrets.on(GetSecretValueCommand).callsFake(async (input: { SecretId?: string }) => {
      const value = this.#options.secrets[String(input.SecretId)];
      if (value === undefined) {
        throw Object.assign(new Error(`Secrets Manager can't find the specified secret.`), { name: 'ResourceNotFoundException' });
      }
      return { ARN: input.SecretId, Name: input.SecretId, SecretString: JSON.stringify(value), VersionId: 'local' };
    });

    const sfn = mockClient(SFNClient);
    sfn.on(StartExecutionCommand).callsFake(async (input: { stateMachineArn?: string; name?: string; input?: string }) => {
      const stateMachine = this.#stateMachineLogicalId(String(input.stateMachineArn));
      const name = input.name ?? crypto.randomUUID();
      const parsed: unknown = JSON.parse(input.input ?? '{}');
      const existing = [...runner.executions.values()].find((execution) => execution.name === name) ?? this.#queuedExecution(name);
      if (existing) {
        if (JSON.stringify(existing.input) !== JSON.stringify(parsed)) {
          throw Object.assign(new Error(`Execution Already Exists: '${name}'`), { name: 'ExecutionAlreadyExists' });
        }
        return { executionArn: executionArnOf(runner.resolver.arnOf(stateMachine), name), startDate: new Date() };
      }
      if (this.#deferred) this.#queued.push({ stateMachine, name, input: parsed });
      else runner.start(stateMachine, { name, input: parsed });
      return { executionArn: executionArnOf(runner.resolver.arnOf(stateMachine), name), startDate: new Date() };
    });

    const cloudFormation = mockClient(CloudFormationClient);
    cloudFormation.on(ListStackResourcesCommand).callsFake(async (input: { StackName?: string }) => ({
      StackResourceSummaries: [...(this.#options.stackResources?.(String(input.StackName)) ?? [])],
    }));

    const sns = mockClient(SNSClient);
    sns.on(PublishCommand).callsFake(async (input: { Subject?: string; Message?: string; MessageAttributes?: unknown }) => {
      this.notifications.push({
        channel: 'sns',
        payload: { Subject: input.Subject, Message: input.Message, MessageAttributes: input.MessageAttributes },
        task: currentTask(),
      });
      return { MessageId: crypto.randomUUID() };
    });

    const eventBridge = mockClient(EventBridgeClient);
    eventBridge.on(PutEventsCommand).callsFake(async (input: { Entries?: unknown[] }) => {
      const entries = input.Entries ?? [];
      for (const entry of entries) this.notifications.push({ channel: 'eventbridge', payload: entry, task: currentTask() });
      return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: crypto.randomUUID() })) };
    });

    const sts = mockClient(STSClient);
    sts.on(AssumeRoleCommand).callsFake(async (input: { RoleArn?: string; DurationSeconds?: number }) => {
      const roleArn = String(input.RoleArn);
      this.assumedRoles.push(roleArn);
      const account = roleArn.split(':')[4] ?? '';
      return {
        Credentials: {
          AccessKeyId: `${ASSUMED_KEY_PREFIX}${account}`,
          SecretAccessKey: 'sandbox',
          SessionToken: 'sandbox',
          Expiration: new Date(Date.now() + (input.DurationSeconds ?? 3600) * 1000),
        },
        AssumedRoleUser: { Arn: `${roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/session`, AssumedRoleId: 'AROASANDBOX:session' },
      };
    });

    const securityHub = mockClient(SecurityHubClient);
    securityHub.on(BatchImportFindingsCommand).callsFake(async (input: { Findings?: AwsSecurityFinding[] }, getClient) => {
      const findings = input.Findings ?? [];
      this.notifications.push({ channel: 'securityhub', payload: { Findings: findings }, task: currentTask() });
      const { accessKeyId } = await getClient().config.credentials();
      const caller = accessKeyId.startsWith(ASSUMED_KEY_PREFIX) ? accessKeyId.slice(ASSUMED_KEY_PREFIX.length) : LOCAL_ACCOUNT;
      const region = await getClient().config.region();
      const failed = [];
      for (const finding of findings) {
        const [, , , productRegion, productAccount] = String(finding.ProductArn).split(':');
        if (finding.AwsAccountId !== caller || productAccount !== caller || productRegion !== region) {
          failed.push({ Id: finding.Id, ErrorCode: 'AccessDeniedException', ErrorMessage: `account ${caller} in ${region} cannot import findings of ${String(finding.AwsAccountId)} under ${String(finding.ProductArn)}` });
          continue;
        }
        this.securityHubFindings.set(`${caller}|${region}|${String(finding.Id)}`, finding);
      }
      return { SuccessCount: findings.length - failed.length, FailedCount: failed.length, FailedFindings: failed };
    });

    this.#previousCredentials = { AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN: process.env.AWS_SESSION_TOKEN };
    delete process.env.AWS_SESSION_TOKEN;
    Object.assign(process.env, CENTRAL_CREDENTIALS);

    this.#stubs.push(secrets, sfn, cloudFormation, sns, eventBridge, sts, securityHub);
    this.#installSlack();
    return this;
  }

  /** Starts the executions StartExecution queued (deferred mode) and every later one at once. */
  releaseExecutions(): LocalExecution[] {
    this.#deferred = false;
    const started = this.#queued.map((queued) => this.#options.runner.start(queued.stateMachine, { name: queued.name, input: queued.input }));
    this.#queued.length = 0;
    return started;
  }

  async restore(): Promise<void> {
    for (const stub of this.#stubs) stub.restore();
    this.#stubs.length = 0;
    for (const [name, value] of Object.entries(this.#previousCredentials)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    this.#previousCredentials = {};
    if (this.#previousDispatcher) setGlobalDispatcher(this.#previousDispatcher);
    await this.#slackDispatcher?.close();
  }

  #installSlack(): void {
    this.#previousDispatcher = getGlobalDispatcher();
    let inner: Dispatcher;
    if (this.#options.realSlackWebhook) {
      inner = new Agent();
    } else {
      const mock = new MockAgent();
      mock.enableNetConnect();
      mock.get('https://hooks.slack.com').intercept({ path: /.*/, method: 'POST' }).reply(200, 'ok').persist();
      inner = mock;
    }
    const record = (origin: string, body: unknown) => {
      if (!origin.includes('hooks.slack.com') || typeof body !== 'string') return;
      this.notifications.push({ channel: 'slack', payload: JSON.parse(body) as unknown, task: currentTask() });
    };
    this.#slackDispatcher = inner.compose(
      (dispatch) => (options, handler) => {
        record(String(options.origin ?? ''), options.body);
        return dispatch(options, handler);
      },
    );
    setGlobalDispatcher(this.#slackDispatcher);
  }

  #queuedExecution(name: string): { input: unknown } | undefined {
    return this.#queued.find((queued) => queued.name === name);
  }

  #stateMachineLogicalId(arn: string): string {
    const logicalId = arn.split(':').pop() ?? '';
    if (this.#options.runner.resolver.arnOf(logicalId) !== arn) throw new Error(`StartExecution: unknown state machine ${arn}`);
    return logicalId;
  }
}
