import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { memberImportRoleName } from '../../lambdas/notify/channels/security-hub/findings.js';
import { securityHubRegions } from '../settings/runtime-env.js';
import type { ZsaConfig } from '../settings/schema.js';
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

/**
 * Lets `fn` import Security Hub findings (only called for the scan's notify function, and only when
 * `securityHub.enabled`): `securityhub:BatchImportFindings` on this account's own default product in
 * each findings Region, and `sts:AssumeRole` on the import role each mapped member account's
 * forwarder stack creates per Region (a member's findings must be imported from that account).
 */
export function bindSecurityHubImport(fn: TeamFunction, config: ZsaConfig): void {
  if (!config.securityHub.enabled) return;
  const stack = Stack.of(fn);
  const regions = securityHubRegions(config, stack.region);
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['securityhub:BatchImportFindings'],
      resources: regions.map((region) => stack.formatArn({ service: 'securityhub', region, resource: 'product', resourceName: `${stack.account}/default` })),
    }),
  );
  // The central account itself may be mapped too (its deployments are scanned); it needs no role.
  const members = [...new Set(config.accountMappings.map((mapping) => mapping.awsAccountId))].filter((account) => account !== stack.account);
  if (members.length === 0) return;
  fn.addToRolePolicy(
    new iam.PolicyStatement({
      actions: ['sts:AssumeRole'],
      resources: members.flatMap((account) =>
        regions.map((region) => stack.formatArn({ service: 'iam', region: '', account, resource: 'role', resourceName: memberImportRoleName(region) })),
      ),
    }),
  );
}
