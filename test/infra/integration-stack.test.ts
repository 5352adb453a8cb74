import { Duration, Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { KeyPrefix } from '../../lambdas/core/store/table-schema.js';
import { TeamFunction } from '../../lib/constructs/team-function.js';
import { TelemetryPolicies } from '../../lib/constructs/telemetry-policies.js';
import { StandardStateMachine, invokeLambda, withStandardErrorHandling } from '../../lib/constructs/workflow-defaults.js';
import type { IntegrationStack } from '../../lib/stacks/integration-stack.js';
import { coreEnv } from '../../lib/settings/runtime-env.js';
import { FIXTURE_HANDLER, type Finding, nagFindings, newIntegrationStack, templateOf, testConfig } from './support.js';

/** The central stack plus what a pipeline adds: a sync and an async function and a workflow. */
function pipelineShapedStack(): IntegrationStack {
  const stack = newIntegrationStack({ alarmEmail: 'oncall@example.com', notifications: { sns: { emails: ['secops@example.com'] } } });
  const defaults = stack.settings.functionDefaults;
  const step = new TeamFunction(stack, 'Step', { entry: FIXTURE_HANDLER, description: 'a workflow step', invocation: 'sync', defaults })
    .bindTable(stack.table, { leadingKeys: [KeyPrefix.token, KeyPrefix.rateBudget] })
    .bindSecret(stack.secrets.zdx, 'ZDX_SECRET_ARN')
    .bindTopic(stack.topic);
  new TeamFunction(stack, 'Intake', { entry: FIXTURE_HANDLER, description: 'an event intake', invocation: 'async', defaults }).bindTable(stack.table, {
    leadingKeys: [KeyPrefix.deployment],
  });
  const failure = new sfn.Pass(stack, 'NotifyFailure');
  const definition = withStandardErrorHandling(invokeLambda(stack, 'DoWork', { lambdaFunction: step, payloadResponseOnly: true }), failure);
  new StandardStateMachine(stack, 'Workflow', { definition, timeout: Duration.hours(2), logRetention: stack.settings.logRetention });
  return stack;
}

/** Every finding of both packs, acknowledged or not. */
function allFindings(scope: IConstruct): Finding[] {
  return [new AwsSolutionsChecks(), new ServerlessChecks()].flatMap((pack) => {
    // The packs filter acknowledged findings themselves; switched off here to see what each acknowledgement covers.
    Object.defineProperty(pack, 'isAcknowledged', { value: () => false });
    return pack.validateScope(scope).violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => ({ rule: violation.ruleName, path: resource.constructPath ?? '' })),
    );
  });
}

/** Every `Validations.acknowledge` in the tree: the construct path and the rule id. */
function acknowledgements(scope: IConstruct): Finding[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.keys(entry.data as Record<string, string>))
      .map((id) => ({ rule: id.replace(/^annotation::/i, ''), path: construct.node.path })),
  );
}

describe('IntegrationStack', () => {
  describe('constructor', () => {
    it('exposes the key, table, secrets, topic and settings', () => {
      const stack = newIntegrationStack({ logRetentionDays: 90 });

      expect(stack.table.encryptionKey).toBe(stack.key);
      expect(Object.keys(stack.secrets.all)).toEqual(['zdx', 'zcspm', 'slack', 'webhook']);
      expect(stack.topic.masterKey).toBeDefined();
      expect(stack.settings.logRetention).toBe(90);
      expect(stack.settings.functionDefaults).toEqual({ logRetention: 90, environment: coreEnv(testConfig({ logRetentionDays: 90 })) });
    });

    it('keeps the data key, rotated, when the stack goes', () => {
      const stack = newIntegrationStack();

      templateOf(stack).hasResource('AWS::KMS::Key', {
        Properties: { Description: Match.stringLikeRegexp('state table and credential secrets'), EnableKeyRotation: true },
        DeletionPolicy: 'Retain',
      });
    });

    it('outputs what an operator needs after deploying', () => {
      const stack = newIntegrationStack();

      const outputs = Object.keys(templateOf(stack).findOutputs('*'));

      expect(outputs.sort()).toEqual(['DashboardName', 'NotificationTopicArn', 'SlackSecretArn', 'StateTableName', 'WebhookSecretArn', 'ZcspmSecretArn', 'ZdxSecretArn', 'ZdxWebhookUrl']);
    });

    it('subscribes the configured emails and the alarm email', () => {
      const stack = newIntegrationStack({ alarmEmail: 'oncall@example.com', notifications: { sns: { emails: ['secops@example.com'] } } });

      const template = templateOf(stack);
      template.hasResourceProperties('AWS::SNS::Subscription', { Endpoint: 'secops@example.com', FilterPolicy: Match.absent() });
      template.hasResourceProperties('AWS::SNS::Subscription', { Endpoint: 'oncall@example.com', FilterPolicy: { kind: [{ exists: false }] } });
    });
  });

  describe('cdk-nag', () => {
    it('leaves no unacknowledged AwsSolutions or Serverless finding, with pipeline-shaped functions and a workflow added', () => {
      const stack = pipelineShapedStack();

      const findings = nagFindings(stack);

      expect(findings).toEqual([]);
    });

    it('has no stale acknowledgement: each one covers a real finding at or under its construct', () => {
      const stack = pipelineShapedStack();

      const findings = allFindings(stack);

      const uncovered = acknowledgements(stack).filter(
        (ack) => !findings.some((finding) => finding.rule === ack.rule && (finding.path === ack.path || finding.path.startsWith(`${ack.path}/`))),
      );
      expect(uncovered).toEqual([]);
      expect(findings.length).toBeGreaterThan(0);
    });
  });

  describe('IAM', () => {
    it('has Resource "*" only in the two documented telemetry policies', () => {
      const stack = pipelineShapedStack();
      const template = templateOf(stack);
      const telemetry = TelemetryPolicies.of(stack);
      const allowed = [telemetry.lambdaTracing, telemetry.stateMachineTelemetry].map((policy) => Stack.of(policy).getLogicalId(policy.node.defaultChild as CfnElement));

      const offenders = Object.entries({ ...template.findResources('AWS::IAM::Policy'), ...template.findResources('AWS::IAM::ManagedPolicy') })
        .filter(([, resource]) => {
          const statements = (resource as { Properties: { PolicyDocument: { Statement: Array<{ Resource: unknown }> } } }).Properties.PolicyDocument.Statement;
          return statements.some((statement) => [statement.Resource].flat().includes('*'));
        })
        .map(([logicalId]) => logicalId);

      expect(offenders.sort()).toEqual(allowed.sort());
    });

    it('attaches no AWS managed policy to any role', () => {
      const stack = pipelineShapedStack();

      const roles = Object.values(templateOf(stack).findResources('AWS::IAM::Role')) as Array<{ Properties: { ManagedPolicyArns?: unknown[] } }>;

      expect(JSON.stringify(roles.map((role) => role.Properties.ManagedPolicyArns ?? []))).not.toContain(':iam::aws:policy/');
    });
  });
});
