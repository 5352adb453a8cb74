import { dirname, resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as destinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue.js';
import { teamLambdaCode } from './team-bundling.js';
import { TelemetryPolicies } from './telemetry-policies.js';

/** Repository root: where package-lock.json lives and esbuild resolves `#core/*` imports from. */
export const PROJECT_ROOT = resolvePath(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Memory of every function unless it sets its own (see {@link TeamFunctionProps.memorySize} for the
 * rule). Measured (`npm run bench`, memory): every handler peaks at 69-114 MB RSS over a full scan,
 * alert and manual trace, well within the 192 MB (75%) headroom line of 256 MB.
 */
const DEFAULT_MEMORY_MB = 256;

/**
 * Construct metadata type that names a function's handler source: the local runner reads it to run
 * the handler in process.
 */
export const HANDLER_ENTRY_METADATA = 'zsa:handler-entry';

/** Default service name reported by Powertools (logs, metrics, traces). */
const DEFAULT_SERVICE_NAME = 'zscaler-aws-automations';
/** Default metrics namespace for Powertools Metrics. */
export const METRICS_NAMESPACE = 'ZscalerAwsAutomations';

/**
 * The env vars every function starts with (before the app's and its own). No `NODE_OPTIONS`: see
 * `TEAM_ESBUILD_OPTIONS` (./team-bundling.ts) on source maps. The bench starts its cold-start probes with the same set.
 */
export function teamEnvironment(serviceName = DEFAULT_SERVICE_NAME): Record<string, string> {
  return { POWERTOOLS_SERVICE_NAME: serviceName, POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE };
}

/**
 * How the function is invoked, which decides its failure handling:
 * - `sync`: by Step Functions or a Function URL; errors return to the caller, which retries or catches.
 * - `async`: by EventBridge, SNS or an async `Invoke`; failed events go to an on-failure destination.
 */
export type InvocationMode = 'sync' | 'async';

/** Settings shared by every function of the app (the stack builds them from the config). */
export interface TeamFunctionDefaults {
  /** Retention of each function's log group. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Env vars every function gets, e.g. the Zscaler API hosts. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** `POWERTOOLS_SERVICE_NAME`. @default DEFAULT_SERVICE_NAME */
  readonly serviceName?: string;
}

/** Props of {@link TeamFunction}. */
export interface TeamFunctionProps {
  /** The handler file, e.g. `lambdas/scan/handlers/scan-request.ts` (absolute, or relative to the project root). */
  readonly entry: string;
  /** What the function does, shown in the console. */
  readonly description: string;
  /** How the function is invoked (see {@link InvocationMode}). */
  readonly invocation: InvocationMode;
  /** Exported handler name. @default 'handler' */
  readonly handler?: string;
  /**
   * Memory in MB. @default DEFAULT_MEMORY_MB (256)
   *
   * Rule: the smallest size whose 75% holds the function's peak RSS as measured by `npm run bench`
   * (memory), and never below 256 MB, where Lambda's CPU share (proportional to memory) starts to
   * slow the init and the zod/JSON work of every handler. Raise it for one function only when its
   * measured peak exceeds 192 MB.
   */
  readonly memorySize?: number;
  /** @default Duration.seconds(30) */
  readonly timeout?: Duration;
  /** Function-specific env vars (win over {@link TeamFunctionDefaults.environment}). @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Reserved concurrency, e.g. to cap what a webhook flood can start. @default no reservation */
  readonly reservedConcurrentExecutions?: number;
  /** App-wide settings from the stack. @default the documented defaults of each field */
  readonly defaults?: TeamFunctionDefaults;
  /** `async` only: where failed events go. @default a new {@link DeadLetterQueue} */
  readonly failureQueue?: sqs.IQueue;
  /** `async` only: Lambda's retries of a failed async event (0-2). @default 2 */
  readonly retryAttempts?: number;
  /** `async` only: oldest event Lambda still processes. @default Duration.hours(6) (the maximum) */
  readonly maxEventAge?: Duration;
  /**
   * Data files shipped next to the bundle by plain file name (read from `/var/task` at runtime), e.g.
   * account mappings too large for Lambda's 4 KB of environment. @default none
   */
  readonly bundledFiles?: Readonly<Record<string, string>>;
}

/** Options of {@link TeamFunction.bindTable}. */
export interface BindTableOptions {
  /**
   * Partition-key prefixes this function may touch (`KeyPrefix` values from
   * lambdas/core/store/table-schema.ts). Enforced with a `dynamodb:LeadingKeys` condition.
   * @default no condition: the whole table (avoid)
   */
  readonly leadingKeys?: readonly string[];
  /** @default 'readWrite' */
  readonly access?: 'read' | 'readWrite';
  /** Env var that receives the table name. @default 'TABLE_NAME' */
  readonly envName?: string;
}

const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
// Spelled out rather than `kms:GenerateDataKey*`/`kms:ReEncrypt*`: no action wildcards to acknowledge.
const KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'];
const KEY_WRITE_ACTIONS = ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'];
const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

/**
 * The one Lambda function class of the project, so every function gets the same defaults: Node.js 24 on ARM64, active
 * X-Ray tracing, JSON logs into an explicit log group with retention, 256 MB / 30 s, split ESM
 * bundles defined once (`TEAM_ESBUILD_OPTIONS` in ./team-bundling.ts), Powertools env vars, a role without AWS managed
 * policies, and failure handling chosen by {@link InvocationMode}.
 *
 * The role and the log group (`logGroup`) are created next to the function (ids `<id>Role`,
 * `<id>LogGroup`) because they must exist before the function is.
 *
 * Grant access with the bind helpers, which set the env var and the least-privilege grant together:
 * {@link bindTable}, {@link bindSecret}, {@link bindTopic}.
 */
export class TeamFunction extends lambda.Function {
  /** The execution role. */
  readonly executionRole: iam.Role;
  /** The on-failure destination queue (async functions only). */
  readonly failureQueue: sqs.IQueue | undefined;

  constructor(scope: Construct, id: string, props: TeamFunctionProps) {
    const defaults = props.defaults ?? {};
    // DESTROY: logs are telemetry with a retention, not records; keeping them after the stack is gone
    // would only leave orphaned, billed groups behind (the audit trail is CloudTrail's).
    const logGroup = new logs.LogGroup(scope, `${id}LogGroup`, {
      retention: defaults.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${id}: ${props.description}`.slice(0, 1000),
    });
    super(scope, id, {
      code: teamLambdaCode({ entry: resolvePath(PROJECT_ROOT, props.entry), projectRoot: PROJECT_ROOT, files: props.bundledFiles }),
      handler: `index.${props.handler ?? 'handler'}`,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? DEFAULT_MEMORY_MB,
      timeout: props.timeout ?? Duration.seconds(30),
      role,
      logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      environment: {
        ...teamEnvironment(defaults.serviceName),
        ...defaults.environment,
        ...props.environment,
      },
    });
    this.executionRole = role;
    logGroup.grantWrite(role);

    // Tracing is set on the L1 so that the CDK does not append the X-Ray statement (Resource "*") to
    // this role's default policy; the shared TelemetryPolicies carry it instead.
    (this.node.defaultChild as lambda.CfnFunction).tracingConfig = { mode: lambda.Tracing.ACTIVE };
    role.addManagedPolicy(TelemetryPolicies.of(this).lambdaTracing);

    this.failureQueue = props.invocation === 'async' ? this.configureFailureHandling(props) : undefined;
    if (props.invocation === 'sync') {
      this.rejectAsyncOnlyProps(props);
      Validations.of(this).acknowledge({
        id: 'Serverless-LambdaDLQ',
        reason:
          'Invoked synchronously (Step Functions task or Function URL): errors return to the caller, which retries or catches them. A dead-letter queue only ever receives asynchronous invocations.',
      });
    }
  }

  /**
   * Lets the function use `table`: sets `TABLE_NAME` (or `envName`) and grants item-level actions on the
   * table, limited to `leadingKeys` partition-key prefixes with `dynamodb:LeadingKeys`, plus the KMS
   * actions DynamoDB performs on the table key on the caller's behalf (only via DynamoDB).
   * Scan is never granted: `ForAllValues` conditions do not constrain it.
   */
  bindTable(table: dynamodb.ITable, options: BindTableOptions = {}): this {
    const access = options.access ?? 'readWrite';
    const envName = checkEnvName(options.envName ?? 'TABLE_NAME');
    const conditions = options.leadingKeys ? leadingKeysCondition(options.leadingKeys) : undefined;
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: access === 'read' ? TABLE_READ_ACTIONS : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS],
        resources: [table.tableArn],
        ...(conditions ? { conditions } : {}),
      }),
    );
    if (table.encryptionKey) {
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: access === 'read' ? KEY_READ_ACTIONS : [...KEY_READ_ACTIONS, ...KEY_WRITE_ACTIONS],
          resources: [table.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }
    this.addEnvironment(envName, table.tableName);
    return this;
  }

  /**
   * Lets the function read `secret` (and decrypt it, only via Secrets Manager) and puts its ARN, never
   * its value, in `envName`.
   */
  bindSecret(secret: secretsmanager.ISecret, envName: string): this {
    // Written out rather than `secret.grantRead`, which puts the KMS grant into the key policy (one
    // statement per function) instead of the function's own policy.
    this.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
        resources: [secret.secretFullArn ?? `${secret.secretArn}-??????`],
      }),
    );
    if (secret.encryptionKey) {
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [secret.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }
    this.addEnvironment(checkEnvName(envName), secret.secretArn);
    return this;
  }

  /**
   * Lets the function publish to `topic` (and use its key, only via SNS) and puts its ARN in `envName`.
   */
  bindTopic(topic: sns.ITopic, envName = 'NOTIFICATION_TOPIC_ARN'): this {
    this.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }));
    if (topic.masterKey) {
      this.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [topic.masterKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `sns.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }
    this.addEnvironment(checkEnvName(envName), topic.topicArn);
    return this;
  }

  private configureFailureHandling(props: TeamFunctionProps): sqs.IQueue {
    const queue = props.failureQueue ?? new DeadLetterQueue(this, 'FailureQueue', { purpose: `failed asynchronous invocations of ${this.node.id}` }).queue;
    this.configureAsyncInvoke({
      onFailure: new destinations.SqsDestination(queue),
      retryAttempts: props.retryAttempts ?? 2,
      maxEventAge: props.maxEventAge ?? Duration.hours(6),
    });
    Validations.of(this).acknowledge({
      id: 'Serverless-LambdaDLQ',
      reason:
        'Asynchronous failures go to an on-failure destination (SQS), which records the request, the error and the attempt count; a dead-letter queue as well would receive every failed event a second time.',
    });
    return queue;
  }

  private rejectAsyncOnlyProps(props: TeamFunctionProps): void {
    const given = (['failureQueue', 'retryAttempts', 'maxEventAge'] as const).filter((key) => props[key] !== undefined);
    if (given.length > 0) {
      throw new Error(`TeamFunction ${this.node.path}: ${given.join(', ')} apply only to invocation 'async'`);
    }
  }
}

function leadingKeysCondition(prefixes: readonly string[]): Record<string, unknown> {
  if (prefixes.length === 0) throw new Error('bindTable: leadingKeys must name at least one prefix (omit it for the whole table)');
  for (const prefix of prefixes) {
    if (prefix.length === 0 || /[*?]/.test(prefix)) {
      throw new Error(`bindTable: leading key prefix "${prefix}" must be non-empty and contain no IAM wildcard`);
    }
  }
  return { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': prefixes.map((prefix) => `${prefix}*`) } };
}

function checkEnvName(name: string): string {
  if (!ENV_NAME.test(name)) throw new Error(`env var name "${name}" must be SCREAMING_SNAKE_CASE`);
  return name;
}
