import { CfnOutput, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { AlertDiagnosticsWorkflow } from '../constructs/alert-diagnostics-workflow.js';
import { CentralEventBus } from '../constructs/central-event-bus.js';
import { Credentials } from '../constructs/credentials.js';
import { ExecutionFailureAlerts } from '../constructs/execution-failure-alerts.js';
import { NotificationTopic } from '../constructs/notification-topic.js';
import { OperationsAlarms, monitoredResources } from '../constructs/operations-alarms.js';
import { OperationsDashboard } from '../constructs/operations-dashboard.js';
import { PostDeployScanWorkflow } from '../constructs/post-deploy-scan-workflow.js';
import { StateTable } from '../constructs/state-table.js';
import { integrationSettings, type IntegrationSettings } from '../settings/runtime-env.js';
import type { ZsaConfig } from '../settings/schema.js';

/** Props of {@link IntegrationStack}. */
export interface IntegrationStackProps extends StackProps {
  /** The validated deployment configuration (`loadConfig(app)`). */
  readonly config: ZsaConfig;
}

/**
 * The central stack. Wiring only: the app key, the state table, the credentials and the notification
 * topic, plus outputs for the values an operator needs after deploying. The pipeline workflows are
 * added here as constructs that receive `table`, `secrets`, `topic` and `settings`.
 */
export class IntegrationStack extends Stack {
  /** Customer managed key (rotated, RETAIN) of the table and the secrets. */
  readonly key: kms.Key;
  /** The single state table (see lambdas/core/store/table-schema.ts). */
  readonly table: dynamodb.Table;
  /** The four credential secrets. */
  readonly secrets: Credentials;
  /** The notification topic (results, failures, alarms). */
  readonly topic: sns.Topic;
  /** Settings derived from the configuration. */
  readonly settings: IntegrationSettings;
  /** Bus that member-account forwarders write to (undefined without organizationId/memberAccountIds). */
  readonly centralBus: CentralEventBus | undefined;
  /** Pipeline 1: CloudFormation deployment -> ZCSPM scan -> report -> notification. */
  readonly postDeployScan: PostDeployScanWorkflow;
  /** Pipeline 2: ZDX alert webhook -> deep traces -> diagnosis -> notification. */
  readonly alertDiagnostics: AlertDiagnosticsWorkflow;
  /** The CloudWatch dashboard of both pipelines. */
  readonly dashboard: OperationsDashboard;

  constructor(scope: Construct, id: string, props: IntegrationStackProps) {
    super(scope, id, {
      description: 'Zscaler AWS automations: post-deploy ZCSPM compliance scans and ZDX alert-triggered diagnostics',
      ...props,
    });
    const { config } = props;
    this.settings = integrationSettings(config);
    Tags.of(this).add('project', 'zscaler-aws-automations');

    this.key = new kms.Key(this, 'DataKey', {
      description: 'Encrypts the zscaler-aws-automations state table and credential secrets',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.table = new StateTable(this, 'State', { encryptionKey: this.key }).table;
    this.secrets = new Credentials(this, 'Credentials', { encryptionKey: this.key });
    this.topic = new NotificationTopic(this, 'Notifications', {
      emails: config.notifications.sns.emails,
      alarmEmails: config.alarmEmail ? [config.alarmEmail] : [],
    }).topic;
    this.centralBus = CentralEventBus.fromConfig(this, 'CentralEventBus', config);

    this.postDeployScan = new PostDeployScanWorkflow(this, 'PostDeployScan', {
      table: this.table,
      zcspmSecret: this.secrets.zcspm,
      slackSecret: this.secrets.slack,
      topic: this.topic,
      settings: this.settings,
      eventBuses: this.centralBus?.buses,
    });

    // The id is load-bearing: the local runner and the tests find the workflow by it.
    this.alertDiagnostics = new AlertDiagnosticsWorkflow(this, 'AlertDiagnostics', {
      table: this.table,
      zdxSecret: this.secrets.zdx,
      webhookSecret: this.secrets.webhook,
      slackSecret: this.secrets.slack,
      topic: this.topic,
      settings: this.settings,
    });

    new ExecutionFailureAlerts(this, 'ExecutionFailureAlerts', {
      stateMachines: [
        { pipeline: 'scan', stateMachine: this.postDeployScan.stateMachine },
        { pipeline: 'diagnostics', stateMachine: this.alertDiagnostics.stateMachine },
      ],
      table: this.table,
      slackSecret: this.secrets.slack,
      topic: this.topic,
      settings: this.settings,
    });

    new CfnOutput(this, 'StateTableName', { value: this.table.tableName, description: 'DynamoDB state table' });
    new CfnOutput(this, 'NotificationTopicArn', { value: this.topic.topicArn, description: 'SNS topic for results, failures and alarms' });
    for (const [name, secret] of Object.entries(this.secrets.all)) {
      const label = name.charAt(0).toUpperCase() + name.slice(1);
      new CfnOutput(this, `${label}SecretArn`, { value: secret.secretArn, description: `Secret to fill in: ${name} credentials` });
    }
    if (config.securityHub.enabled) {
      new CfnOutput(this, 'SecurityHubImporterRoleArn', {
        value: this.postDeployScan.functions.notifyScan.role!.roleArn,
        description: 'SecurityHubImporterRoleArn parameter of the forwarder stack/StackSet: the only role its Security Hub import role trusts',
      });
    }
    if (this.centralBus) {
      new CfnOutput(this, 'CentralEventBusArn', {
        value: this.centralBus.bus.eventBusArn,
        description: 'CentralEventBusArn parameter of the forwarder stack/StackSet',
      });
    }

    // Last, so it sees every function, queue, state machine and API created above.
    // AcquireTraceSlot's BusyError is normal waiting for a slot (retried by the state machine), not an error.
    const monitored = monitoredResources(this);
    new OperationsAlarms(this, 'OperationsAlarms', {
      topic: this.topic,
      ...monitored,
      flowControlFunctions: [this.alertDiagnostics.functions.acquireTraceSlot],
    });
    this.dashboard = new OperationsDashboard(this, 'OperationsDashboard', {
      stateMachines: monitored.stateMachines,
      deadLetterQueues: monitored.deadLetterQueues,
      zdxRatePerMinute: config.diagnostics.zdxRatePerMinute,
    });
    new CfnOutput(this, 'DashboardName', { value: this.dashboard.dashboard.dashboardName, description: 'CloudWatch dashboard: posture, scans, diagnostics, ZDX budget, health' });
  }
}
