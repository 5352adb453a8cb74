import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue.js';

/**
 * SNS message attribute every pipeline result carries (`scan`, `diagnostics`, `failure`; see
 * lambdas/notify/results.ts). CloudWatch alarm messages carry none, which is how alarm-only
 * subscriptions tell them apart.
 */
export const RESULT_KIND_ATTRIBUTE = 'kind';

/** Props of {@link NotificationTopic}. */
export interface NotificationTopicProps {
  /**
   * Key that encrypts the topic. CloudWatch alarms and EventBridge rules must be allowed to use it, so
   * its key policy gains statements for those service principals.
   * @default a dedicated key with rotation, so those grants never touch the key of the table and secrets
   */
  readonly encryptionKey?: kms.Key;
  /** Addresses subscribed to every message (results, failures, alarms). @default [] */
  readonly emails?: readonly string[];
  /** Addresses subscribed to alarm messages only (those without a `kind` attribute). @default [] */
  readonly alarmEmails?: readonly string[];
  /** Sender name shown in emails. @default 'Zscaler AWS automations' */
  readonly displayName?: string;
}

/**
 * The notification topic: pipeline results and failures (SNS notifier), CloudWatch alarms and the
 * Step Functions failure rule all publish here. KMS-encrypted, TLS-only, and open to exactly two
 * AWS services of this account: CloudWatch (alarm actions) and EventBridge (rule targets; the CDK adds
 * its topic-policy statement when a rule targets the topic). Email subscriptions have a dead-letter
 * queue for messages SNS could not deliver.
 *
 * Publish from a function with `TeamFunction.bindTopic(topic.topic)`.
 */
export class NotificationTopic extends Construct {
  /** The topic. */
  readonly topic: sns.Topic;
  /** The key that encrypts it. */
  readonly encryptionKey: kms.Key;
  /** Dead-letter queue of the email subscriptions (only when there are some). */
  readonly subscriptionDeadLetterQueue: DeadLetterQueue | undefined;

  constructor(scope: Construct, id: string, props: NotificationTopicProps = {}) {
    super(scope, id);
    const account = Stack.of(this).account;
    this.encryptionKey =
      props.encryptionKey ??
      new kms.Key(this, 'Key', {
        description: 'Encrypts the zscaler-aws-automations notification topic',
        enableKeyRotation: true,
        // It protects messages in flight only; nothing that outlives the stack is encrypted with it.
        removalPolicy: RemovalPolicy.DESTROY,
      });
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: props.displayName ?? 'Zscaler AWS automations',
      masterKey: this.encryptionKey,
      enforceSSL: true,
    });

    // CloudWatch supports source conditions on both policies.
    const fromThisAccount = { StringEquals: { 'aws:SourceAccount': account } };
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromThisAccount,
      }),
    );
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: fromThisAccount,
      }),
    );
    // EventBridge's KMS requests carry no aws:Source* keys: a condition here would drop every event.
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeToPublish',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
      }),
    );

    const emails = props.emails ?? [];
    const alarmEmails = props.alarmEmails ?? [];
    if (emails.length + alarmEmails.length === 0) {
      this.subscriptionDeadLetterQueue = undefined;
      return;
    }
    const deadLetterQueue = new DeadLetterQueue(this, 'SubscriptionDeadLetterQueue', { purpose: 'undeliverable email notifications' });
    this.subscriptionDeadLetterQueue = deadLetterQueue;
    for (const email of emails) {
      this.topic.addSubscription(new subscriptions.EmailSubscription(email, { deadLetterQueue: deadLetterQueue.queue }));
    }
    for (const email of alarmEmails) {
      this.topic.addSubscription(
        new subscriptions.EmailSubscription(email, {
          deadLetterQueue: deadLetterQueue.queue,
          filterPolicy: { [RESULT_KIND_ATTRIBUTE]: sns.SubscriptionFilter.notExistsFilter() },
        }),
      );
    }
  }
}
