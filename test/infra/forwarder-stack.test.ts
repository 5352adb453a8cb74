import { type App, Duration, FileAssetPackaging, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ConfigError } from '../../lambdas/core/errors.js';
import {
  ALARM_TOPIC_ARN_PARAMETER,
  CENTRAL_EVENT_BUS_ARN_PARAMETER,
  ForwarderStack,
  SECURITY_HUB_IMPORTER_ROLE_ARN_PARAMETER,
  type ForwarderStackProps,
} from '../../lib/stacks/forwarder-stack.js';
import { nagFindings, newApp, newIntegrationStack } from './support.js';

const BUS_ARN = 'arn:aws:events:eu-west-1:111122223333:event-bus/zsa-central';
const DEFAULT_STATUSES = ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE'];

function forwarder(overrides: Partial<ForwarderStackProps> = {}): { stack: ForwarderStack; template: Template } {
  const stack = new ForwarderStack(newApp(), 'Forwarder', { triggerStatuses: DEFAULT_STATUSES, ...overrides });
  return { stack, template: Template.fromStack(stack) };
}

function logicalId(stack: ForwarderStack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as Parameters<ForwarderStack['getLogicalId']>[0]);
}

const defaults = forwarder();

describe('ForwarderStack', () => {
  describe('rule', () => {
    it('forwards stack status changes in the trigger statuses and StackSet instances that SUCCEEDED', () => {
      const { template } = defaults;

      template.hasResourceProperties('AWS::Events::Rule', {
        EventBusName: Match.absent(),
        EventPattern: {
          source: ['aws.cloudformation'],
          'detail-type': ['CloudFormation Stack Status Change', 'CloudFormation StackSet StackInstance Status Change'],
          detail: { $or: [{ 'status-details': { status: DEFAULT_STATUSES } }, { 'status-details': { 'detailed-status': ['SUCCEEDED'] } }] },
        },
      });
      template.resourceCountIs('AWS::Events::Rule', 1);
    });

    it('forwards only the configured statuses and no StackSet instances when those are disabled', () => {
      const { template } = forwarder({ triggerStatuses: ['UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'], includeStackSetInstances: false });

      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.cloudformation'],
          'detail-type': ['CloudFormation Stack Status Change'],
          detail: { 'status-details': { status: ['UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'] } },
        },
      });
    });

    it('targets the central bus parameter through the role, with a retry policy and the dead-letter queue', () => {
      const { stack, template } = defaults;

      template.hasResourceProperties('AWS::Events::Rule', {
        Targets: [
          {
            Arn: { Ref: CENTRAL_EVENT_BUS_ARN_PARAMETER },
            Id: Match.anyValue(),
            RoleArn: { 'Fn::GetAtt': [logicalId(stack, stack.role), 'Arn'] },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(stack, stack.deadLetterQueue.queue), 'Arn'] } },
            RetryPolicy: { MaximumEventAgeInSeconds: 6 * 3600, MaximumRetryAttempts: 185 },
          },
        ],
      });
    });

    it('uses the given retry limits', () => {
      const { template } = forwarder({ maxEventAge: Duration.hours(1), retryAttempts: 10 });

      template.hasResourceProperties('AWS::Events::Rule', {
        Targets: [Match.objectLike({ RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 } })],
      });
    });
  });

  describe('event pattern', () => {
    it.each([
      ['the default configuration', {}],
      ['custom statuses without StackSet instances', { scan: { triggerStatuses: ['UPDATE_ROLLBACK_COMPLETE'], includeStackSetInstances: false } }],
    ])('matches exactly what the central scan rule matches for %s', (_label, overrides) => {
      const central = newIntegrationStack(overrides);
      const { scan } = central.settings.config;
      const { stack, template } = forwarder({ triggerStatuses: scan.triggerStatuses, includeStackSetInstances: scan.includeStackSetInstances });
      const centralRule = central.postDeployScan.rules[0]!;

      const pattern = template.toJSON().Resources[logicalId(stack, stack.rule)].Properties.EventPattern as unknown;

      expect(pattern).toEqual(Template.fromStack(central).toJSON().Resources[central.getLogicalId(centralRule.node.defaultChild as Parameters<Stack['getLogicalId']>[0])].Properties.EventPattern);
    });
  });

  describe('role', () => {
    it('can be assumed by EventBridge only', () => {
      const { template } = defaults;

      template.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' } }],
        },
        ManagedPolicyArns: Match.absent(),
      });
      // The other role is the conditional Security Hub import role (test/infra/constructs/security-hub-import.test.ts).
      template.resourceCountIs('AWS::IAM::Role', 2);
    });

    it('may only put events on the central bus', () => {
      const { stack, template } = defaults;

      const policies = Object.values(template.findResources('AWS::IAM::Policy')).map((policy) => (policy as { Properties: unknown }).Properties);

      expect(policies).toEqual([
        expect.objectContaining({
          PolicyDocument: { Version: '2012-10-17', Statement: [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: { Ref: CENTRAL_EVENT_BUS_ARN_PARAMETER } }] },
          Roles: [{ Ref: logicalId(stack, stack.role) }],
        }),
      ]);
    });
  });

  describe('dead-letter queue', () => {
    it('is encrypted, keeps events 14 days and refuses requests without TLS', () => {
      const { template } = defaults;

      template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it('accepts messages from EventBridge for this rule only', () => {
      const { stack, template } = defaults;

      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'events.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(stack, stack.rule), 'Arn'] } } },
            }),
          ]),
        },
      });
    });

    it('alarms when it holds an event, notifying the topic parameter only when one is given', () => {
      const { stack, template } = defaults;

      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack, stack.deadLetterQueue.queue), 'QueueName'] } }],
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        AlarmActions: { 'Fn::If': ['HasAlarmTopic', [{ Ref: ALARM_TOPIC_ARN_PARAMETER }], { Ref: 'AWS::NoValue' }] },
      });
      template.hasCondition('HasAlarmTopic', { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: ALARM_TOPIC_ARN_PARAMETER }, ''] }] });
    });
  });

  describe('template', () => {
    it('takes the bus ARN as a validated parameter without a default unless one is given', () => {
      const withDefault = forwarder({ centralEventBusArn: BUS_ARN }).template;

      defaults.template.hasParameter(CENTRAL_EVENT_BUS_ARN_PARAMETER, { Type: 'String', Default: Match.absent(), AllowedPattern: Match.stringLikeRegexp('event-bus') });
      withDefault.hasParameter(CENTRAL_EVENT_BUS_ARN_PARAMETER, { Type: 'String', Default: BUS_ARN });
      expect(new RegExp(defaults.template.toJSON().Parameters[CENTRAL_EVENT_BUS_ARN_PARAMETER].AllowedPattern).test(BUS_ARN)).toBe(true);
    });

    it('needs neither the CDK bootstrap stack nor assets: no bootstrap parameter or rule, no deploy role, no template upload', () => {
      const { stack } = forwarder();

      const artifact = (stack.node.root as App).synth().getStackByName(stack.stackName);

      const template = artifact.template as { Parameters: Record<string, unknown>; Rules?: unknown; Resources: Record<string, { Type: string }> };
      expect(Object.keys(template.Parameters).sort()).toEqual([ALARM_TOPIC_ARN_PARAMETER, CENTRAL_EVENT_BUS_ARN_PARAMETER, SECURITY_HUB_IMPORTER_ROLE_ARN_PARAMETER].sort());
      expect(template.Rules).toBeUndefined();
      expect(Object.values(template.Resources).map((resource) => resource.Type)).not.toContain('AWS::CDK::Metadata');
      expect(artifact.assumeRoleArn).toBeUndefined();
      expect(artifact.stackTemplateAssetObjectUrl).toBeUndefined();
      expect(artifact.dependencies.map((dependency) => dependency.id)).toEqual([]);
    });

    it('refuses an asset, which a StackSet template cannot carry', () => {
      const { stack } = forwarder();

      const addAsset = () => stack.synthesizer.addFileAsset({ fileName: 'handler.zip', packaging: FileAssetPackaging.ZIP_DIRECTORY, sourceHash: 'abc' });

      expect(addAsset).toThrow(ConfigError);
      expect(addAsset).toThrow(/asset-free/);
    });
  });

  describe('constructor', () => {
    it('rejects an empty status list, a malformed bus ARN and out-of-range retry limits, naming each prop', () => {
      const build = () =>
        forwarder({ triggerStatuses: [], centralEventBusArn: 'arn:aws:sns:eu-west-1:111122223333:topic', retryAttempts: 500, maxEventAge: Duration.days(2) });

      expect(build).toThrow(ConfigError);
      expect(build).toThrow(/triggerStatuses: expected at least one[\s\S]*centralEventBusArn: expected an event bus ARN[\s\S]*retryAttempts: expected an integer from 0 to 185[\s\S]*maxEventAge/);
    });
  });

  describe('cdk-nag', () => {
    it('has no unacknowledged AwsSolutions or Serverless finding', () => {
      const { stack } = defaults;

      expect(nagFindings(stack)).toEqual([]);
    });
  });
});
