import type { CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { NotificationTopic, RESULT_KIND_ATTRIBUTE } from '../../../lib/constructs/notification-topic.js';
import { newStack, templateOf } from '../support.js';

describe('NotificationTopic', () => {
  describe('constructor', () => {
    it('encrypts the topic with a dedicated rotating key and denies publishing without TLS', () => {
      const stack = newStack();

      const notifications = new NotificationTopic(stack, 'Notifications');

      const template = templateOf(stack);
      template.hasResourceProperties('AWS::SNS::Topic', {
        KmsMasterKeyId: { 'Fn::GetAtt': [stack.getLogicalId(notifications.encryptionKey.node.defaultChild as CfnElement), 'Arn'] },
      });
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Principal: '*', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    });

    it('lets CloudWatch alarms of this account and EventBridge use the key and publish', () => {
      const stack = newStack();

      new NotificationTopic(stack, 'Notifications');

      const template = templateOf(stack);
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            }),
            Match.objectLike({ Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'] }),
          ]),
        },
      });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            }),
          ]),
        },
      });
    });

    it('creates no subscription and no queue without emails', () => {
      const stack = newStack();

      const notifications = new NotificationTopic(stack, 'Notifications');

      templateOf(stack).resourceCountIs('AWS::SNS::Subscription', 0);
      templateOf(stack).resourceCountIs('AWS::SQS::Queue', 0);
      expect(notifications.subscriptionDeadLetterQueue).toBeUndefined();
    });

    it('subscribes emails with a dead-letter queue, alarm-only addresses filtered to messages without a kind', () => {
      const stack = newStack();

      const notifications = new NotificationTopic(stack, 'Notifications', { emails: ['secops@example.com'], alarmEmails: ['oncall@example.com'] });

      const template = templateOf(stack);
      const deadLetterArn = { 'Fn::GetAtt': [stack.getLogicalId(notifications.subscriptionDeadLetterQueue?.queue.node.defaultChild as CfnElement), 'Arn'] };
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'secops@example.com',
        RedrivePolicy: { deadLetterTargetArn: deadLetterArn },
        FilterPolicy: Match.absent(),
      });
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'oncall@example.com',
        RedrivePolicy: { deadLetterTargetArn: deadLetterArn },
        FilterPolicy: { [RESULT_KIND_ATTRIBUTE]: [{ exists: false }] },
      });
    });
  });
});
