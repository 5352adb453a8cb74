import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type { ZsaConfig } from '../config.js';
import type { TeamFunction } from './team-function.js';

/** What a notifying function may reach; only the channels the configuration enables are granted. */
export interface NotificationChannels {
  /** The validated configuration (its `notifications` section decides the channels). */
  readonly config: ZsaConfig;
  /** Slack credential; bound (env `SLACK_SECRET_ARN` + read grant) only when Slack is enabled. */
  readonly slackSecret: secretsmanager.ISecret;
  /** Notification topic; publish is granted only when SNS is enabled. */
  readonly topic: sns.ITopic;
}

/**
 * Gives `fn` exactly what the enabled channels need: the Slack secret, publish on the topic, and
 * `events:PutEvents` on the configured bus. Every function that sends notifications uses this, so
 * the grants of the workflows' notify steps and of the execution-failure alerts cannot drift.
 */
export function bindNotificationChannels(fn: TeamFunction, channels: NotificationChannels): void {
  const { slack, sns, eventBridge } = channels.config.notifications;
  if (slack.enabled) fn.bindSecret(channels.slackSecret, 'SLACK_SECRET_ARN');
  if (sns.enabled) fn.bindTopic(channels.topic);
  if (eventBridge.enabled) {
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [Stack.of(fn).formatArn({ service: 'events', resource: 'event-bus', resourceName: eventBridge.busName })],
      }),
    );
  }
}
