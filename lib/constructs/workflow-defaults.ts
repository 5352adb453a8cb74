import { Duration, Names, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { ErrorName, LAMBDA_CRASH_ERRORS, LAMBDA_SERVICE_ERRORS, RETRYABLE_ERROR_NAMES } from '../../lambdas/core/errors.js';
import { TelemetryPolicies } from './telemetry-policies.js';

/** Props of {@link StandardStateMachine}. */
export interface StandardStateMachineProps {
  /** The workflow (JSONPath states; build tasks with {@link invokeLambda} + {@link withStandardErrorHandling}). */
  readonly definition: sfn.IChainable;
  /** Overall execution timeout: every execution ends, one way or another. */
  readonly timeout: Duration;
  /** Retention of the execution log group. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** Shown in the console. @default none */
  readonly comment?: string;
}

/**
 * A Standard state machine as both pipelines need it: JSONPath (the local runner, aws-local-stepfunctions,
 * ignores JSONata), logging ALL with execution data to its own log group, X-Ray tracing, an overall
 * timeout. The telemetry permissions (`Resource: "*"`, no narrower one exists) come from the shared
 * {@link TelemetryPolicies}; the `<function ARN>:*` resource that every LambdaInvoke task grants (for
 * versions and aliases) is acknowledged here, per function, for the functions this definition invokes.
 *
 * Execution data is logged in full: it holds ids, stack names, alert fields and results, never a
 * credential (functions receive secret ARNs, not values).
 */
export class StandardStateMachine extends Construct {
  /** The state machine. */
  readonly stateMachine: sfn.StateMachine;
  /** Its execution log group (DESTROY: telemetry with a retention, not records). */
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: StandardStateMachineProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      // The /aws/vendedlogs/ prefix keeps CloudWatch Logs from adding each state machine to its
      // account-wide resource policy, which is capped at 5,120 characters.
      logGroupName: `/aws/vendedlogs/states/${Names.uniqueResourceName(this, { maxLength: 200, separator: '-' })}`,
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(props.definition),
      stateMachineType: sfn.StateMachineType.STANDARD,
      queryLanguage: sfn.QueryLanguage.JSON_PATH,
      timeout: props.timeout,
      ...(props.comment ? { comment: props.comment } : {}),
    });
    // Logging and tracing are set on the L1 so the CDK does not append their `Resource: "*"`
    // statements to this role's default policy (TelemetryPolicies carries them instead).
    const cfn = this.stateMachine.node.defaultChild as sfn.CfnStateMachine;
    cfn.loggingConfiguration = {
      level: sfn.LogLevel.ALL,
      includeExecutionData: true,
      destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: this.logGroup.logGroupArn } }],
    };
    cfn.tracingConfiguration = { enabled: true };
    this.stateMachine.role.addManagedPolicy(TelemetryPolicies.of(this).stateMachineTelemetry);
    this.acknowledgeInvokeQualifierWildcards();
  }

  private acknowledgeInvokeQualifierWildcards(): void {
    const policy = this.stateMachine.role.node.tryFindChild('DefaultPolicy') as iam.Policy | undefined;
    if (!policy) return;
    const document = Stack.of(this).resolve(policy.document) as { Statement?: PolicyStatementJson[] };
    for (const statement of document.Statement ?? []) {
      if (!asArray(statement.Action).includes('lambda:InvokeFunction')) continue;
      for (const resource of asArray(statement.Resource).map(flattenReference)) {
        if (!resource.endsWith(':*')) continue;
        Validations.of(this).acknowledge({
          id: `AwsSolutions-IAM5[Resource::${resource}]`,
          reason:
            'The LambdaInvoke task grants invoke on this one function and its qualified forms (`:<version or alias>`); the wildcard covers only qualifiers of that function.',
        });
      }
    }
  }
}

/** Options of {@link withStandardErrorHandling}. */
export interface StandardErrorHandlingOptions {
  /** Where the Catch puts `{ Error, Cause }` in the state's input for the failure state. @default '$.error' */
  readonly errorPath?: string;
  /** First wait before retrying one of our retryable errors. @default Duration.seconds(5) */
  readonly retryInterval?: Duration;
  /** Attempts on our retryable errors (rate limits, 5xx, timeouts, busy slots). @default 4 */
  readonly retryMaxAttempts?: number;
  /** Longest single wait between those attempts. @default Duration.seconds(60) */
  readonly retryMaxDelay?: Duration;
}

/** `maxAttempts` retries of `errors`, `interval` first and each wait twice the last, full jitter. */
function retryOf(errors: readonly string[], interval: Duration, maxAttempts: number): sfn.RetryProps {
  return { errors: [...errors], interval, maxAttempts, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL };
}

/**
 * The Retry of a reply that is not JSON or of the wrong shape (`ResponseShapeError`: truncated,
 * garbled, an HTML error page with status 200), which is usually transient. Idempotent requests are
 * already read again in process (HttpClient); this covers a start whose reply was garbled and a
 * read garbled on every attempt. Safe on every task because every task is idempotent: a start that
 * did happen is recovered by its retry (InitiateScan gets the running job back from `rescan`,
 * StartDeepTrace finds its trace by session name), never started twice.
 */
const RESPONSE_SHAPE_RETRY = retryOf([ErrorName.ResponseShape], Duration.seconds(10), 2);

/**
 * The Retry of an invocation that died without the handler's answer ({@link LAMBDA_CRASH_ERRORS}: a
 * Lambda timeout or an out-of-memory kill), possibly after its Zscaler call succeeded. Safe because
 * every task is idempotent. Five attempts (2, 4, 8, 16, 32 s, full jitter), not two: a task that
 * makes several calls dies more often than one that makes one, and a run holds hundreds of such
 * invocations. In the fault campaigns, where 4% of status polls and up to 17% of result reads die,
 * two attempts let a scan end `Lambda.Unknown` (one task died three times in a row), and result
 * reads have died three times in a row. A crash that repeats six times is not transient and fails
 * the task as itself.
 */
const LAMBDA_CRASH_RETRY = retryOf(LAMBDA_CRASH_ERRORS, Duration.seconds(2), 5);

/**
 * The Retry of a 401 that outlasted the HTTP client's fresh tokens (`AuthenticationError`): during a
 * revocation storm (a key rotation, every container refreshing at once) a later attempt gets a token
 * that holds. Four attempts (10 s to 80 s, full jitter): storms come in bursts, and in the fault
 * campaigns one task met two such 401s in a row. Credentials the token endpoint itself rejects are
 * `CredentialsRejectedError`, never retried.
 */
const TOKEN_REVOKED_RETRY = retryOf([ErrorName.Authentication], Duration.seconds(10), 4);

/** The Retry of the Lambda service's own transient errors ({@link LAMBDA_SERVICE_ERRORS}): 2 s, x2, 6 attempts, full jitter (AWS's advice). */
export const LAMBDA_SERVICE_RETRY = retryOf(LAMBDA_SERVICE_ERRORS, Duration.seconds(2), 6);

/** What every Lambda task retries first, before its own retries: a Lambda service error, then an invocation that died. */
export const INVOCATION_RETRIES: readonly sfn.RetryProps[] = [LAMBDA_SERVICE_RETRY, LAMBDA_CRASH_RETRY];

/** What every task that calls Zscaler also retries: a garbled reply, then a 401 that outlasted the client's fresh tokens. */
export const REPLY_RETRIES: readonly sfn.RetryProps[] = [RESPONSE_SHAPE_RETRY, TOKEN_REVOKED_RETRY];

/** A state that supports Retry and Catch (Task, Map, Parallel). */
export interface RetryableState {
  addRetry(props?: sfn.RetryProps): unknown;
  addCatch(handler: sfn.IChainable, props?: sfn.CatchProps): unknown;
}

/** Adds `retries` to `state` in order (Step Functions takes the first Retry whose errors match). */
export function addRetries<T extends RetryableState>(state: T, retries: readonly sfn.RetryProps[]): T {
  for (const retry of retries) state.addRetry(retry);
  return state;
}

/**
 * Adds the Retry and Catch every pipeline task needs to `state`:
 * 1. Lambda service errors ({@link LAMBDA_SERVICE_RETRY}) and an invocation that died ({@link LAMBDA_CRASH_RETRY});
 * 2. our retryable error names ({@link RETRYABLE_ERROR_NAMES}: rate limited, server error, connection,
 *    timeout, busy): 5 s, x2, 4 attempts, at most 60 s apart, full jitter;
 * 3. a garbled reply ({@link RESPONSE_SHAPE_RETRY}) and a 401 that outlasted the client's fresh tokens ({@link TOKEN_REVOKED_RETRY});
 * 4. Catch `States.ALL` -> `failure` (the NotifyFailure step), error at `$.error`.
 * Build Lambda tasks with {@link invokeLambda} so the CDK's own service-error retry is not added twice.
 */
export function withStandardErrorHandling<T extends RetryableState>(state: T, failure: sfn.IChainable, options: StandardErrorHandlingOptions = {}): T {
  addRetries(state, [
    ...INVOCATION_RETRIES,
    {
      errors: [...RETRYABLE_ERROR_NAMES],
      interval: options.retryInterval ?? Duration.seconds(5),
      maxAttempts: options.retryMaxAttempts ?? 4,
      backoffRate: 2,
      maxDelay: options.retryMaxDelay ?? Duration.seconds(60),
      jitterStrategy: sfn.JitterType.FULL,
    },
    ...REPLY_RETRIES,
  ]);
  state.addCatch(failure, { errors: [sfn.Errors.ALL], resultPath: options.errorPath ?? '$.error' });
  return state;
}

/**
 * A LambdaInvoke task without the CDK's built-in service-error retry (use
 * {@link withStandardErrorHandling}, which retries the same errors plus throttling).
 */
export function invokeLambda(scope: Construct, id: string, props: tasks.LambdaInvokeProps): tasks.LambdaInvoke {
  return new tasks.LambdaInvoke(scope, id, { retryOnServiceExceptions: false, ...props });
}

interface PolicyStatementJson {
  readonly Action?: string | string[];
  readonly Resource?: unknown;
}

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Flattens a resolved CloudFormation reference the way cdk-nag names findings (`<Logical.Arn>:*`). */
function flattenReference(node: unknown): string {
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node !== 'object' || node === null) return JSON.stringify(node);
  const record = node as Record<string, unknown>;
  if (Array.isArray(record['Fn::Join'])) {
    const [delimiter, items] = record['Fn::Join'] as [string, unknown[]];
    return items.map(flattenReference).join(delimiter);
  }
  if (record['Fn::Sub'] !== undefined) return flattenReference(record['Fn::Sub']);
  if (Array.isArray(record['Fn::GetAtt'])) {
    const [resource, attribute] = record['Fn::GetAtt'] as [unknown, unknown];
    return `<${flattenReference(resource)}.${flattenReference(attribute)}>`;
  }
  if (record['Fn::ImportValue'] !== undefined) return flattenReference(record['Fn::ImportValue']);
  if (record.Ref !== undefined) return `<${flattenReference(record.Ref)}>`;
  return JSON.stringify(node);
}
