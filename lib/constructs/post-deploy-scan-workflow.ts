import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { KeyPrefix } from '../../lambdas/core/store/table-schema.js';
import { NOTIFICATION_SETTINGS_ENV, SECURITY_HUB_SETTINGS_ENV } from '../../lambdas/notify/settings.js';
import { STACK_INSTANCE_STATUS_CHANGE, STACK_STATUS_CHANGE } from '../../lambdas/scan/domain/cfn-event.js';
import { ACCOUNT_MAPPINGS_FILE_NAME, SCAN_SETTINGS_ENV } from '../../lambdas/scan/settings.js';
import {
  type IntegrationSettings,
  accountMappingsEnv,
  accountMappingsFile,
  notificationSettings,
  scanSettings,
  securityHubSettings,
} from '../settings/runtime-env.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import { HANDLER_ENTRY_METADATA, TeamFunction, type TeamFunctionProps } from './team-function.js';
import { bindNotificationChannels, bindSecurityHubImport } from './notification-channels.js';
import { StandardStateMachine, invokeLambda, withStandardErrorHandling } from './workflow-defaults.js';

/** Props of {@link PostDeployScanWorkflow}. */
export interface PostDeployScanWorkflowProps {
  /** The state table (scan windows, deployments, history, tokens, delivery ledger). */
  readonly table: dynamodb.ITable;
  /** ZCSPM API credential `{ applicationId, applicationSecret, subscriptionKey }`. */
  readonly zcspmSecret: secretsmanager.ISecret;
  /** Slack credential; read only when Slack notifications are enabled. */
  readonly slackSecret: secretsmanager.ISecret;
  /** Notification topic; published to only when SNS notifications are enabled. */
  readonly topic: sns.ITopic;
  /** Settings derived from the deployment configuration (the stack's `settings`). */
  readonly settings: IntegrationSettings;
  /**
   * Buses whose CloudFormation events start scans (one rule each).
   * @default the account's default bus
   */
  readonly eventBuses?: readonly events.IEventBus[];
}

/**
 * Pipeline 1, post-deploy compliance scans: the EventBridge rule for CloudFormation deployment events
 * (with a dead-letter queue), the ScanRequest function that coalesces deployments into scan windows,
 * and the Standard state machine "PostDeployScan":
 *
 * Prepare -> Debounce (wait) -> InitiateScan -> WaitForScan (adaptive, `$.scan.waitSeconds`) ->
 * GetScanStatus -> ScanStatus? (running: wait again; failed / timed out: NotifyFailure) ->
 * CollectReport -> NotifyResult -> FollowUp? (deployments landed during the scan: one follow-up scan,
 * back to Debounce) -> Done. Every task retries Lambda service errors and our retryable errors and
 * catches everything else into NotifyFailure.
 *
 * Least privilege: each function reads only its own secrets and its own partition-key prefixes of the
 * table (`dynamodb:LeadingKeys`). The rule filters on the trigger statuses only: stack-name, account
 * and Region filters are applied by ScanRequest, which logs why it ignored an event.
 */
export class PostDeployScanWorkflow extends Construct {
  /** The "PostDeployScan" state machine. */
  readonly stateMachine: sfn.StateMachine;
  /** One rule per bus. */
  readonly rules: readonly events.Rule[];
  /** Events the rule could not deliver to ScanRequest. */
  readonly deadLetterQueue: DeadLetterQueue;
  /** The functions, by task. */
  readonly functions: {
    readonly scanRequest: TeamFunction;
    readonly initiateScan: TeamFunction;
    readonly getScanStatus: TeamFunction;
    readonly collectReport: TeamFunction;
    readonly notifyScan: TeamFunction;
  };

  constructor(scope: Construct, id: string, props: PostDeployScanWorkflowProps) {
    super(scope, id);
    const { config } = props.settings;
    const stack = Stack.of(this);
    const scanEnv = {
      [SCAN_SETTINGS_ENV]: stack.toJsonString({
        ...scanSettings(config),
        ownStack: { stackId: Aws.STACK_ID, stackName: stack.stackName, awsAccountId: Aws.ACCOUNT_ID },
      }),
    };
    const notifyEnv = { [NOTIFICATION_SETTINGS_ENV]: stack.toJsonString(notificationSettings(config, { topicArn: props.topic.topicArn })) };
    // Only the report's notify step has findings to import.
    const securityHub = securityHubSettings(config, { accountId: Aws.ACCOUNT_ID, region: Aws.REGION, partition: Aws.PARTITION });
    const notifyScanEnv = { ...notifyEnv, ...(securityHub ? { [SECURITY_HUB_SETTINGS_ENV]: stack.toJsonString(securityHub) } : {}) };
    const fn = (name: string, entry: string, extra: Omit<TeamFunctionProps, 'entry' | 'defaults'>): TeamFunction => {
      const created = new TeamFunction(this, name, { entry, defaults: props.settings.functionDefaults, ...extra });
      created.node.addMetadata(HANDLER_ENTRY_METADATA, entry);
      return created;
    };

    const initiateScan = fn('InitiateScan', 'lambdas/scan/handlers/initiate-scan.ts', {
      description: 'PostDeployScan: closes the scan window and starts the ZCSPM scan',
      invocation: 'sync',
      environment: scanEnv,
    })
      .bindTable(props.table, { leadingKeys: [KeyPrefix.scanWindow, KeyPrefix.scanHistory, KeyPrefix.token] })
      .bindSecret(props.zcspmSecret, 'ZCSPM_SECRET_ARN');

    const getScanStatus = fn('GetScanStatus', 'lambdas/scan/handlers/get-scan-status.ts', {
      description: 'PostDeployScan: checks the ZCSPM scan job and plans the next check',
      invocation: 'sync',
      environment: scanEnv,
    })
      .bindTable(props.table, { leadingKeys: [KeyPrefix.token] })
      .bindSecret(props.zcspmSecret, 'ZCSPM_SECRET_ARN');

    const collectReport = fn('CollectReport', 'lambdas/scan/handlers/collect-report.ts', {
      description: 'PostDeployScan: builds the scan report (posture, failed assets, delta, deployment findings)',
      invocation: 'sync',
      timeout: Duration.minutes(5),
      environment: { ...scanEnv, HOME_ACCOUNT_ID: Aws.ACCOUNT_ID },
    })
      .bindTable(props.table, { leadingKeys: [KeyPrefix.scanWindow, KeyPrefix.scanHistory, KeyPrefix.token] })
      .bindSecret(props.zcspmSecret, 'ZCSPM_SECRET_ARN');
    collectReport.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['cloudformation:ListStackResources'],
        resources: [stack.formatArn({ service: 'cloudformation', region: '*', resource: 'stack', resourceName: '*' })],
      }),
    );
    Validations.of(collectReport.executionRole).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:*:<AWS::AccountId>:stack/*]',
      reason:
        'CollectReport reads the resources of whichever stacks were just deployed (any name, any Region of this account) to match failed assets to them; ListStackResources is read-only.',
    });

    const notifyScan = fn('NotifyScan', 'lambdas/scan/handlers/notify-scan.ts', {
      description: 'PostDeployScan: notifies the scan result or failure and finishes the scan window',
      invocation: 'sync',
      timeout: Duration.seconds(60),
      environment: { ...scanEnv, ...notifyScanEnv },
    }).bindTable(props.table, { leadingKeys: [KeyPrefix.scanWindow, KeyPrefix.idempotency] });
    bindNotificationChannels(notifyScan, { config, slackSecret: props.slackSecret, topic: props.topic });
    bindSecurityHubImport(notifyScan, config);

    const definition = this.definition({ initiateScan, getScanStatus, collectReport, notifyScan });
    const scanTimeoutSeconds = config.scan.timeoutMinutes * 60;
    // Room for a few follow-up scans in one execution; each scan has its own deadline inside the loop.
    const timeout = Duration.seconds(Math.max(24 * 3600, 6 * (config.scan.debounceSeconds + scanTimeoutSeconds + 600)));
    this.stateMachine = new StandardStateMachine(this, 'PostDeployScan', {
      definition,
      timeout,
      logRetention: props.settings.logRetention,
      comment: 'Post-deploy ZCSPM compliance scan of one ZCSPM account and scan window',
    }).stateMachine;

    const scanRequest = fn('ScanRequest', 'lambdas/scan/handlers/scan-request.ts', {
      description: 'Records CloudFormation deployments in scan windows and starts PostDeployScan executions',
      invocation: 'async',
      // The mappings ship inside the bundle: an organization's accounts do not fit Lambda's 4 KB environment.
      bundledFiles: { [ACCOUNT_MAPPINGS_FILE_NAME]: accountMappingsFile(config) },
      environment: {
        ...scanEnv,
        ...notifyEnv,
        ...accountMappingsEnv(config),
        SCAN_STATE_MACHINE_ARN: this.stateMachine.stateMachineArn,
      },
    }).bindTable(props.table, { leadingKeys: [KeyPrefix.scanWindow, KeyPrefix.deployment, KeyPrefix.idempotency] });
    bindNotificationChannels(scanRequest, { config, slackSecret: props.slackSecret, topic: props.topic });
    this.stateMachine.grantStartExecution(scanRequest);

    this.deadLetterQueue = new DeadLetterQueue(this, 'EventsDeadLetterQueue', {
      purpose: 'CloudFormation deployment events that EventBridge could not deliver to ScanRequest',
    });
    const buses = props.eventBuses ?? [events.EventBus.fromEventBusName(this, 'DefaultBus', 'default')];
    this.rules = buses.map(
      (bus, index) =>
        new events.Rule(this, index === 0 ? 'DeploymentRule' : `DeploymentRule${index + 1}`, {
          description: 'CloudFormation deployments that may change an account: start a post-deploy compliance scan',
          eventBus: bus,
          eventPattern: deploymentEventPattern(config.scan.triggerStatuses, config.scan.includeStackSetInstances),
          targets: [
            new targets.LambdaFunction(scanRequest, {
              deadLetterQueue: this.deadLetterQueue.queue,
              retryAttempts: 8,
              maxEventAge: Duration.hours(6),
            }),
          ],
        }),
    );
    this.functions = { scanRequest, initiateScan, getScanStatus, collectReport, notifyScan };
  }

  private definition(functions: Record<'initiateScan' | 'getScanStatus' | 'collectReport' | 'notifyScan', TeamFunction>): sfn.IChainable {
    // States get their own scope: their names (the construct ids) may equal the functions' ids.
    const steps = new Construct(this, 'Steps');
    const notifyFailure = invokeLambda(steps, 'NotifyFailure', {
      lambdaFunction: functions.notifyScan,
      payloadResponseOnly: true,
      payload: sfn.TaskInput.fromObject({ mode: 'failure', state: sfn.JsonPath.entirePayload }),
      resultPath: '$.next',
      comment: 'Notifies why the scan did not complete, then finishes the window',
    });
    // The failure notice is the last resort: when it cannot be sent either, the execution fails
    // (and the failed-execution alarm takes over).
    notifyFailure.addRetry({ errors: ['States.ALL'], interval: Duration.seconds(5), maxAttempts: 4, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
    notifyFailure.addCatch(new sfn.Fail(steps, 'NotificationFailed', { error: 'NotificationFailed', cause: 'The failure of this scan could not be notified' }), {
      resultPath: '$.notifyError',
    });

    const task = (id: string, fn: TeamFunction, resultPath: string, comment: string) =>
      withStandardErrorHandling(invokeLambda(steps, id, { lambdaFunction: fn, payloadResponseOnly: true, resultPath, comment }), notifyFailure);

    const prepare = new sfn.Pass(steps, 'Prepare', {
      comment: 'Keeps the window and adds the execution id (for links and idempotency keys)',
      parameters: { 'window.$': '$.window', 'executionId.$': '$$.Execution.Id' },
    });
    const debounce = new sfn.Wait(steps, 'Debounce', {
      comment: 'More deployments to the same account may join this scan window',
      time: sfn.WaitTime.secondsPath('$.window.debounceSeconds'),
    });
    const initiateScan = task('InitiateScan', functions.initiateScan, '$.scan', 'Starts the ZCSPM scan and plans the first status check');
    const waitForScan = new sfn.Wait(steps, 'WaitForScan', {
      comment: 'Adaptive: near the expected end first, then short capped waits',
      time: sfn.WaitTime.secondsPath('$.scan.waitSeconds'),
    });
    const getScanStatus = task('GetScanStatus', functions.getScanStatus, '$.scan', 'Checks the scan job once');
    const collectReport = task('CollectReport', functions.collectReport, '$.report', 'Builds the scan report');
    const notifyResult = withStandardErrorHandling(
      invokeLambda(steps, 'NotifyResult', {
        lambdaFunction: functions.notifyScan,
        payloadResponseOnly: true,
        payload: sfn.TaskInput.fromObject({ mode: 'result', state: sfn.JsonPath.entirePayload }),
        resultPath: '$.next',
        comment: 'Notifies the scan report, then finishes the window',
      }),
      notifyFailure,
    );
    const scanFailed = new sfn.Pass(steps, 'MarkScanFailed', { result: sfn.Result.fromObject({ reason: 'ScanFailed' }), resultPath: '$.failure' });
    const scanTimedOut = new sfn.Pass(steps, 'MarkScanTimedOut', { result: sfn.Result.fromObject({ reason: 'Timeout' }), resultPath: '$.failure' });
    const startFollowUp = new sfn.Pass(steps, 'StartFollowUp', {
      comment: 'Deployments landed while the scan ran: one follow-up scan covers all of them',
      parameters: { 'window.$': '$.next.window', 'executionId.$': '$.executionId' },
    });
    const done = new sfn.Succeed(steps, 'Done');
    const failed = new sfn.Fail(steps, 'ScanNotCompleted', { error: 'ScanNotCompleted', cause: 'The scan did not complete; the failure was notified' });

    const followUp = new sfn.Choice(steps, 'FollowUp?')
      .when(sfn.Condition.booleanEquals('$.next.followUp', true), startFollowUp)
      .when(sfn.Condition.or(sfn.Condition.isPresent('$.failure'), sfn.Condition.isPresent('$.error')), failed)
      .otherwise(done);
    notifyResult.next(followUp);
    notifyFailure.next(followUp);
    startFollowUp.next(debounce);
    scanFailed.next(notifyFailure);
    scanTimedOut.next(notifyFailure);

    const scanStatus = new sfn.Choice(steps, 'ScanStatus?')
      .when(sfn.Condition.stringEquals('$.scan.outcome', 'succeeded'), collectReport.next(notifyResult))
      .when(sfn.Condition.stringEquals('$.scan.outcome', 'failed'), scanFailed)
      .when(sfn.Condition.stringEquals('$.scan.outcome', 'timed_out'), scanTimedOut)
      .otherwise(waitForScan);

    return prepare.next(debounce).next(initiateScan).next(waitForScan).next(getScanStatus).next(scanStatus);
  }
}

/**
 * The pattern of the deployment rule, and of the member accounts' forwarding rule (so nothing is
 * forwarded only to be dropped centrally): Stack Status Change in the trigger statuses and, unless
 * disabled, StackSet instances that report SUCCEEDED. `$or` inside `detail` because the two
 * detail-types carry their status in different fields.
 */
export function deploymentEventPattern(triggerStatuses: readonly string[], includeStackSetInstances: boolean): events.EventPattern {
  const stackStatus = { 'status-details': { status: [...triggerStatuses] } };
  return {
    source: ['aws.cloudformation'],
    detailType: includeStackSetInstances ? [STACK_STATUS_CHANGE, STACK_INSTANCE_STATUS_CHANGE] : [STACK_STATUS_CHANGE],
    detail: includeStackSetInstances ? { $or: [stackStatus, { 'status-details': { 'detailed-status': ['SUCCEEDED'] } }] } : stackStatus,
  };
}
