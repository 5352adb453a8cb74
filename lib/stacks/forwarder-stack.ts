import {
  Aws,
  CfnCondition,
  CfnOutput,
  CfnParameter,
  Duration,
  Fn,
  LegacyStackSynthesizer,
  Stack,
  type StackProps,
  Tags,
  Token,
  Validations,
  type DockerImageAssetLocation,
  type DockerImageAssetSource,
  type FileAssetLocation,
  type FileAssetSource,
} from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import { ConfigError } from '../../lambdas/core/errors.js';
import { memberImportRoleName } from '../../lambdas/notify/channels/security-hub/findings.js';
import { DeadLetterQueue } from '../constructs/dead-letter-queue.js';
import { deploymentEventPattern } from '../constructs/post-deploy-scan-workflow.js';

/** Template parameter that carries the central bus ARN (one template serves every account and Region). */
export const CENTRAL_EVENT_BUS_ARN_PARAMETER = 'CentralEventBusArn';
/** Optional template parameter: an SNS topic (same account and Region) for the dead-letter alarm. */
export const ALARM_TOPIC_ARN_PARAMETER = 'AlarmTopicArn';
/**
 * Optional template parameter: the role of the central integration's scan notify function (output
 * `SecurityHubImporterRoleArn` of the central stack). When given, the stack creates the Security Hub
 * import role, which only that role may assume.
 */
export const SECURITY_HUB_IMPORTER_ROLE_ARN_PARAMETER = 'SecurityHubImporterRoleArn';
/** Context key bin/forwarder.ts reads the central bus ARN from (the parameter's default). */
export const CENTRAL_EVENT_BUS_ARN_CONTEXT_KEY = 'centralEventBusArn';
/** What a central bus ARN looks like (also the parameter's AllowedPattern). */
const EVENT_BUS_ARN_PATTERN = '^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/[A-Za-z0-9._/-]+$';

/** Props of {@link ForwarderStack}. */
export interface ForwarderStackProps extends StackProps {
  /**
   * Stack statuses that are forwarded (the configuration's `zsa.scan.triggerStatuses`); the central rule
   * filters on the same list. Must not be empty.
   */
  readonly triggerStatuses: readonly string[];
  /**
   * Also forward StackSet instance events whose detailed status is SUCCEEDED
   * (`zsa.scan.includeStackSetInstances`). @default true
   */
  readonly includeStackSetInstances?: boolean;
  /**
   * ARN of the central bus, used as the default of the `CentralEventBusArn` parameter.
   * @default none: the parameter must be given when the stack or StackSet is created
   */
  readonly centralEventBusArn?: string;
  /**
   * How long EventBridge keeps retrying a failed delivery before the event goes to the dead-letter queue.
   * @default Duration.hours(6): a scan hours late is still useful; beyond that the alarm should tell someone
   */
  readonly maxEventAge?: Duration;
  /** Retries (with backoff and jitter) before the event goes to the dead-letter queue, 0 to 185. @default 185 (the maximum: `maxEventAge` decides) */
  readonly retryAttempts?: number;
}

/**
 * The member-account stack: forwards the CloudFormation deployment events of one account and Region to
 * the integration's central event bus (lib/constructs/central-event-bus.ts).
 *
 * - A rule on the default bus for "CloudFormation Stack Status Change" in the trigger statuses and (unless
 *   disabled) "CloudFormation StackSet StackInstance Status Change" with detailed status SUCCEEDED.
 * - Its target is the central bus, through a role that EventBridge assumes and that may only
 *   `events:PutEvents` on that one bus, with a retry policy and an encrypted, TLS-only dead-letter queue.
 * - An alarm when the dead-letter queue holds anything (actions only when `AlarmTopicArn` is given).
 *
 * The template is self-contained, for `cdk deploy` per account and Region and for a service-managed
 * StackSet: the bus ARN is a parameter, there are no assets (the synthesizer refuses them) and nothing
 * that needs the CDK bootstrap stack (no bootstrap-version rule, no deploy roles, no template upload).
 */
export class ForwarderStack extends Stack {
  /** The forwarding rule on the default bus. */
  readonly rule: events.Rule;
  /** The role EventBridge assumes to put events on the central bus. */
  readonly role: iam.Role;
  /** Events the rule could not deliver. */
  readonly deadLetterQueue: DeadLetterQueue;
  /** Fires when the dead-letter queue holds at least one event. */
  readonly deadLetterAlarm: cloudwatch.Alarm;
  /** The `CentralEventBusArn` template parameter. */
  readonly centralEventBusArn: CfnParameter;
  /**
   * The role the central integration assumes to import this account's Security Hub findings in this
   * Region; created only when the `SecurityHubImporterRoleArn` parameter is given.
   */
  readonly securityHubImportRole: iam.Role;

  constructor(scope: Construct, id: string, props: ForwarderStackProps) {
    super(scope, id, {
      description: 'Zscaler AWS automations forwarder: sends CloudFormation deployment events of this account and Region to the central event bus',
      synthesizer: new AssetFreeSynthesizer(),
      // No CDKMetadata resource and its Region condition: the template is rolled out as a StackSet as is.
      analyticsReporting: false,
      ...props,
    });
    validate(props);
    Tags.of(this).add('project', 'zscaler-aws-automations');

    this.centralEventBusArn = new CfnParameter(this, CENTRAL_EVENT_BUS_ARN_PARAMETER, {
      type: 'String',
      description: 'ARN of the central Zscaler AWS automations event bus (output CentralEventBusArn of the central stack)',
      allowedPattern: EVENT_BUS_ARN_PATTERN,
      constraintDescription: 'must be an event bus ARN like arn:aws:events:eu-west-1:111122223333:event-bus/name',
      ...(props.centralEventBusArn ? { default: props.centralEventBusArn } : {}),
    });
    this.centralEventBusArn.overrideLogicalId(CENTRAL_EVENT_BUS_ARN_PARAMETER);
    const { parameter: alarmTopicArn, given: hasAlarmTopic } = optionalArnParameter(this, ALARM_TOPIC_ARN_PARAMETER, 'HasAlarmTopic', {
      description: 'Optional: SNS topic in this account and Region notified when events could not be forwarded',
      pattern: 'arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_.-]+',
      what: 'an SNS topic ARN',
    });

    const centralBus = events.EventBus.fromEventBusArn(this, 'CentralEventBus', this.centralEventBusArn.valueAsString);
    this.deadLetterQueue = new DeadLetterQueue(this, 'DeadLetterQueue', {
      purpose: 'CloudFormation events the forwarding rule could not deliver to the central event bus',
    });
    this.role = new iam.Role(this, 'ForwarderRole', {
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com'),
      description: 'Lets EventBridge put the forwarded CloudFormation events on the central Zscaler AWS automations bus',
    });
    this.rule = new events.Rule(this, 'ForwardDeploymentEvents', {
      description: 'CloudFormation deployments that may change this account: forward to the central Zscaler AWS automations bus',
      eventPattern: deploymentEventPattern(props.triggerStatuses, props.includeStackSetInstances ?? true),
      targets: [
        new RetryingTarget(new targets.EventBus(centralBus, { role: this.role, deadLetterQueue: this.deadLetterQueue.queue }), {
          maximumEventAgeInSeconds: (props.maxEventAge ?? Duration.hours(6)).toSeconds(),
          maximumRetryAttempts: props.retryAttempts ?? 185,
        }),
      ],
    });

    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterQueueAlarm', {
      alarmDescription: `CloudFormation events of account ${Aws.ACCOUNT_ID} in ${Aws.REGION} could not be forwarded to the central Zscaler AWS automations bus: inspect and redrive the dead-letter queue`,
      metric: this.deadLetterQueue.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const cfnAlarm = this.deadLetterAlarm.node.defaultChild as cloudwatch.CfnAlarm;
    cfnAlarm.alarmActions = Token.asList(Fn.conditionIf(hasAlarmTopic.logicalId, [alarmTopicArn.valueAsString], Aws.NO_VALUE));
    Validations.of(cfnAlarm).acknowledge({
      id: 'CloudFormation-Validate::W1030',
      reason: 'The topic parameter defaults to empty, but it becomes an alarm action only under HasAlarmTopic, i.e. when it is not empty.',
    });

    this.securityHubImportRole = securityHubImportRole(this);

    new CfnOutput(this, 'ForwardingRuleArn', { value: this.rule.ruleArn, description: 'Rule that forwards CloudFormation events' });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queue.queueUrl, description: 'Events that could not be forwarded' });
  }
}

/**
 * The Security Hub import role (under a condition: only when `SecurityHubImporterRoleArn` is given).
 * `BatchImportFindings` must be called by the account the findings belong to, so the central
 * integration assumes this role to import this account's findings. It trusts exactly the central
 * notify function's role (by ARN, no wildcard, so no other principal of the central account can use
 * it) and allows nothing but `securityhub:BatchImportFindings` on this account's own default product
 * in this Region. Its name carries the Region because IAM names are account-wide and the forwarder is
 * deployed once per Region.
 */
function securityHubImportRole(stack: Stack): iam.Role {
  const { parameter: importerRoleArn, given: enabled } = optionalArnParameter(stack, SECURITY_HUB_IMPORTER_ROLE_ARN_PARAMETER, 'HasSecurityHubImporter', {
    description: 'Optional: role of the central scan notify function (output SecurityHubImporterRoleArn of the central stack); creates the Security Hub import role',
    pattern: 'arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+',
    what: 'an IAM role ARN',
  });
  const role = new iam.Role(stack, 'SecurityHubImportRole', {
    roleName: memberImportRoleName(Aws.REGION),
    assumedBy: new iam.ArnPrincipal(importerRoleArn.valueAsString),
    description: 'Lets the central Zscaler AWS automations import the ZCSPM findings of this account into Security Hub in this Region',
    maxSessionDuration: Duration.hours(1),
    inlinePolicies: {
      BatchImportFindings: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            actions: ['securityhub:BatchImportFindings'],
            resources: [`arn:${Aws.PARTITION}:securityhub:${Aws.REGION}:${Aws.ACCOUNT_ID}:product/${Aws.ACCOUNT_ID}/default`],
          }),
        ],
      }),
    },
  });
  (role.node.defaultChild as iam.CfnRole).cfnOptions.condition = enabled;
  new CfnOutput(stack, 'SecurityHubImportRoleArn', {
    value: role.roleArn,
    description: 'Role the central integration assumes to import this account\'s Security Hub findings',
    condition: enabled,
  });
  return role;
}

/**
 * An optional ARN parameter (empty by default, named exactly `name` in the template) and the condition
 * that holds when it was given.
 */
function optionalArnParameter(
  stack: Stack,
  name: string,
  conditionId: string,
  options: { readonly description: string; readonly pattern: string; readonly what: string },
): { parameter: CfnParameter; given: CfnCondition } {
  const parameter = new CfnParameter(stack, name, {
    type: 'String',
    description: options.description,
    default: '',
    allowedPattern: `^$|^${options.pattern}$`,
    constraintDescription: `must be empty or ${options.what}`,
  });
  parameter.overrideLogicalId(name);
  const given = new CfnCondition(stack, conditionId, { expression: Fn.conditionNot(Fn.conditionEquals(parameter.valueAsString, '')) });
  return { parameter, given };
}

/**
 * Deploys with the CLI's own credentials and passes the template inline, like the classic synthesizer,
 * so neither `cdk deploy` nor a StackSet needs the CDK bootstrap stack; and it refuses assets, which a
 * StackSet template cannot carry.
 */
class AssetFreeSynthesizer extends LegacyStackSynthesizer {
  override addFileAsset(_asset: FileAssetSource): FileAssetLocation {
    throw new ConfigError('ForwarderStack: the forwarder template must stay asset-free (it is rolled out as a StackSet); remove the file asset');
  }

  override addDockerImageAsset(_asset: DockerImageAssetSource): DockerImageAssetLocation {
    throw new ConfigError('ForwarderStack: the forwarder template must stay asset-free (it is rolled out as a StackSet); remove the image asset');
  }
}

/**
 * The EventBridge bus target with a retry policy. EventBridge accepts `RetryPolicy` on every target, but
 * the CDK `EventBus` target does not expose it (aws/aws-cdk#28735), so this adds it to what that target binds.
 */
class RetryingTarget implements events.IRuleTarget {
  constructor(
    private readonly inner: events.IRuleTarget,
    private readonly retryPolicy: events.CfnRule.RetryPolicyProperty,
  ) {}

  bind(rule: Parameters<events.IRuleTarget['bind']>[0], id?: string): events.RuleTargetConfig {
    return { ...this.inner.bind(rule, id), retryPolicy: this.retryPolicy };
  }
}

function validate(props: ForwarderStackProps): void {
  const problems: string[] = [];
  if (props.triggerStatuses.length === 0) problems.push('triggerStatuses: expected at least one stack status, e.g. UPDATE_COMPLETE');
  const arn = props.centralEventBusArn;
  if (arn !== undefined && !Token.isUnresolved(arn) && !new RegExp(EVENT_BUS_ARN_PATTERN).test(arn)) {
    problems.push(`centralEventBusArn: expected an event bus ARN like arn:aws:events:eu-west-1:111122223333:event-bus/name, received "${arn}"`);
  }
  const attempts = props.retryAttempts;
  if (attempts !== undefined && (!Number.isInteger(attempts) || attempts < 0 || attempts > 185)) {
    problems.push(`retryAttempts: expected an integer from 0 to 185, received ${attempts}`);
  }
  const age = props.maxEventAge?.toSeconds();
  if (age !== undefined && (age < 60 || age > 86_400)) problems.push(`maxEventAge: expected 1 minute to 24 hours, received ${age} s`);
  if (problems.length > 0) {
    throw new ConfigError(`ForwarderStack: invalid props:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}
