import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { KeyPrefix } from '../../../lambdas/core/store/table-schema.js';
import {
  EXECUTION_FAILURE_SETTINGS_ENV,
  EXECUTION_STATUS_CHANGE,
  FAILURE_STATUSES,
  parseExecutionFailureSettings,
} from '../../../lambdas/operations/execution-failure.js';
import { ExecutionFailureAlerts, NOTIFIED_FAILURE_ERRORS } from '../../../lib/constructs/execution-failure-alerts.js';
import type { IntegrationStack } from '../../../lib/stacks/integration-stack.js';
import type { ZsaConfigInput } from '../../../lib/settings/schema.js';
import { nagFindings, newIntegrationStack, templateOf } from '../support.js';

const SCAN_ARN = 'arn:aws:states:eu-west-1:111122223333:stateMachine:PostDeployScan';
const DIAGNOSTICS_ARN = 'arn:aws:states:eu-west-1:111122223333:stateMachine:AlertDiagnostics';

function arrange(overrides: Partial<ZsaConfigInput> = {}): { stack: IntegrationStack; alerts: ExecutionFailureAlerts } {
  const stack = newIntegrationStack(overrides);
  const alerts = new ExecutionFailureAlerts(stack, 'AlertsUnderTest', {
    stateMachines: [
      { pipeline: 'scan', stateMachine: sfn.StateMachine.fromStateMachineArn(stack, 'Scan', SCAN_ARN) },
      { pipeline: 'diagnostics', stateMachine: sfn.StateMachine.fromStateMachineArn(stack, 'Diagnostics', DIAGNOSTICS_ARN) },
    ],
    table: stack.table,
    slackSecret: stack.secrets.slack,
    topic: stack.topic,
    settings: stack.settings,
  });
  return { stack, alerts };
}

function logicalId(stack: IntegrationStack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

/** Every statement of the ExecutionFailure role's policies. */
function roleStatements(stack: IntegrationStack, alerts: ExecutionFailureAlerts): Array<Record<string, unknown>> {
  const policies = templateOf(stack).findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: logicalId(stack, alerts.function.executionRole) }] },
  });
  return Object.values(policies).flatMap(
    (policy) => (policy as { Properties: { PolicyDocument: { Statement: Array<Record<string, unknown>> } } }).Properties.PolicyDocument.Statement,
  );
}

describe('ExecutionFailureAlerts', () => {
  describe('constructor', () => {
    it('matches failed, timed-out and aborted executions of exactly the given state machines', () => {
      const { stack } = arrange();

      templateOf(stack).hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.states'],
          'detail-type': ['Step Functions Execution Status Change'],
          detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: [SCAN_ARN, DIAGNOSTICS_ARN] },
        },
        State: 'ENABLED',
      });
    });

    it('agrees with the use case on the detail-type and the statuses', () => {
      const { stack, alerts } = arrange();

      const { EventPattern: matched } = (templateOf(stack).toJSON().Resources[logicalId(stack, alerts.rule)] as { Properties: { EventPattern: { 'detail-type': string[]; detail: { status: string[] } } } })
        .Properties;

      expect({ detailType: matched['detail-type'], statuses: matched.detail.status }).toEqual({ detailType: [EXECUTION_STATUS_CHANGE], statuses: [...FAILURE_STATUSES] });
    });

    it('targets the ExecutionFailure function with retries and a dead-letter queue', () => {
      const { stack, alerts } = arrange();

      templateOf(stack).hasResourceProperties('AWS::Events::Rule', {
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [logicalId(stack, alerts.function), 'Arn'] },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(stack, alerts.deadLetterQueue.queue), 'Arn'] } },
            RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 },
          }),
        ],
      });
    });

    it('makes the function asynchronous with an on-failure destination and exposes both queues', () => {
      const { stack, alerts } = arrange();

      templateOf(stack).hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: logicalId(stack, alerts.function) },
        DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
        MaximumRetryAttempts: 2,
      });
      expect(alerts.deadLetterQueues).toHaveLength(2);
      expect(alerts.deadLetterQueues).toContain(alerts.deadLetterQueue.queue);
      expect(alerts.deadLetterQueues).toContain(alerts.function.failureQueue);
    });

    it('writes settings the function parses: the pipeline of each state machine and the already-notified errors', () => {
      const { stack, alerts } = arrange();

      const variables = (templateOf(stack).toJSON().Resources[logicalId(stack, alerts.function)] as { Properties: { Environment: { Variables: Record<string, unknown> } } })
        .Properties.Environment.Variables;

      expect(typeof variables[EXECUTION_FAILURE_SETTINGS_ENV]).toBe('string');
      expect(parseExecutionFailureSettings(variables[EXECUTION_FAILURE_SETTINGS_ENV] as string)).toEqual({
        pipelines: { [SCAN_ARN]: 'scan', [DIAGNOSTICS_ARN]: 'diagnostics' },
        notifiedErrors: [...NOTIFIED_FAILURE_ERRORS],
      });
      expect(variables.NOTIFICATION_SETTINGS).toBeDefined();
      expect(variables.TABLE_NAME).toEqual({ Ref: logicalId(stack, stack.table) });
    });

    it('limits table access to the delivery ledger keys and grants SNS publish when SNS is on', () => {
      const { stack, alerts } = arrange();

      const statements = roleStatements(stack, alerts);

      expect(statements).toContainEqual(
        expect.objectContaining({
          Action: expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:DeleteItem']),
          Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${KeyPrefix.idempotency}*`] } },
        }),
      );
      expect(statements).toContainEqual(expect.objectContaining({ Action: 'sns:Publish', Resource: { Ref: logicalId(stack, stack.topic) } }));
      expect(JSON.stringify(statements)).not.toContain('secretsmanager:GetSecretValue');
      expect(JSON.stringify(statements)).not.toContain('events:PutEvents');
    });

    it('grants the Slack secret and PutEvents on the configured bus when those channels are on', () => {
      const { stack, alerts } = arrange({ notifications: { slack: { enabled: true }, eventBridge: { enabled: true, busName: 'zsa-results' } } });

      const statements = roleStatements(stack, alerts);

      expect(statements).toContainEqual(expect.objectContaining({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] }));
      expect(statements).toContainEqual(
        expect.objectContaining({
          Action: 'events:PutEvents',
          Resource: expect.objectContaining({ 'Fn::Join': ['', expect.arrayContaining([':event-bus/zsa-results'])] }),
        }),
      );
    });

    it('leaves no unacknowledged cdk-nag finding', () => {
      const { alerts } = arrange({ notifications: { slack: { enabled: true }, eventBridge: { enabled: true } } });

      const findings = nagFindings(alerts);

      expect(findings).toEqual([]);
    });

    it('refuses an empty list of state machines', () => {
      const stack = newIntegrationStack();

      const create = () =>
        new ExecutionFailureAlerts(stack, 'Alerts', { stateMachines: [], table: stack.table, slackSecret: stack.secrets.slack, topic: stack.topic, settings: stack.settings });

      expect(create).toThrow(/stateMachines must name at least one state machine/);
    });
  });
});
