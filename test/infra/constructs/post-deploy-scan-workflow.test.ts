import { Match, Template } from 'aws-cdk-lib/assertions';
import type { ZsaConfigInput } from '../../../lib/settings/schema.js';
import { PostDeployScanWorkflow, deploymentEventPattern } from '../../../lib/constructs/post-deploy-scan-workflow.js';
import type { IntegrationStack } from '../../../lib/stacks/integration-stack.js';
import { nagFindings, newIntegrationStack, testConfig } from '../support.js';

const built = new Map<string, { stack: IntegrationStack; workflow: PostDeployScanWorkflow; template: Template }>();

/** The central stack with the workflow (added here until the stack wires it itself), one per configuration. */
function scanStack(overrides: Partial<ZsaConfigInput> = {}): { stack: IntegrationStack; workflow: PostDeployScanWorkflow; template: Template } {
  const key = JSON.stringify(overrides);
  const cached = built.get(key);
  if (cached) return cached;
  const stack = newIntegrationStack(overrides);
  const result = { stack, workflow: stack.postDeployScan, template: Template.fromStack(stack) };
  built.set(key, result);
  return result;
}

function logicalId(stack: IntegrationStack, construct: { node: { defaultChild?: unknown } } | { stack: unknown }): string {
  const child = ('node' in construct ? (construct.node.defaultChild ?? construct) : construct) as Parameters<IntegrationStack['getLogicalId']>[0];
  return stack.getLogicalId(child);
}

/** Every policy statement attached to the role of `fn`. */
function statementsOf(template: Template, roleLogicalId: string): Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }> {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: Match.arrayWith([{ Ref: roleLogicalId }]) } });
  return Object.values(policies).flatMap((policy) => (policy as { Properties: { PolicyDocument: { Statement: never[] } } }).Properties.PolicyDocument.Statement);
}

describe('PostDeployScanWorkflow', () => {
  describe('trigger', () => {
    it('matches the trigger statuses and SUCCEEDED StackSet instances, with a dead-letter queue on the target', () => {
      const { stack, workflow, template } = scanStack({ scan: { triggerStatuses: ['CREATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'] } });

      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          source: ['aws.cloudformation'],
          'detail-type': ['CloudFormation Stack Status Change', 'CloudFormation StackSet StackInstance Status Change'],
          detail: {
            $or: [
              { 'status-details': { status: ['CREATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'] } },
              { 'status-details': { 'detailed-status': ['SUCCEEDED'] } },
            ],
          },
        },
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [logicalId(stack, workflow.functions.scanRequest), 'Arn'] },
            DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(stack, workflow.deadLetterQueue.queue), 'Arn'] } },
            RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21_600 },
          }),
        ],
      });
    });

    it('leaves StackSet instances out when disabled', () => {
      const { scan } = testConfig({ scan: { includeStackSetInstances: false } });

      const pattern = deploymentEventPattern(scan.triggerStatuses, scan.includeStackSetInstances);

      expect(pattern).toEqual({
        source: ['aws.cloudformation'],
        detailType: ['CloudFormation Stack Status Change'],
        detail: { 'status-details': { status: ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'IMPORT_COMPLETE'] } },
      });
    });
  });

  describe('state machine', () => {
    it('is a Standard state machine with logging ALL, X-Ray and an overall timeout', () => {
      const { template } = scanStack();

      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineType: 'STANDARD',
        LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
        TracingConfiguration: { Enabled: true },
      });
    });

    it('polls adaptively, retries our retryable errors, catches into NotifyFailure and loops for a follow-up', () => {
      const { workflow, stack } = scanStack();

      const definition = JSON.parse(
        (stack.resolve((workflow.stateMachine.node.defaultChild as unknown as { definitionString: unknown }).definitionString) as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1]
          .map((part) => (typeof part === 'string' ? part : 'arn:placeholder'))
          .join(''),
      ) as { TimeoutSeconds: number; States: Record<string, Record<string, unknown>> };
      const states = definition.States;

      expect(definition.TimeoutSeconds).toBeGreaterThanOrEqual(24 * 3600);
      expect(states.WaitForScan).toMatchObject({ Type: 'Wait', SecondsPath: '$.scan.waitSeconds', Next: 'GetScanStatus' });
      expect(states.Debounce).toMatchObject({ Type: 'Wait', SecondsPath: '$.window.debounceSeconds', Next: 'InitiateScan' });
      expect(states['ScanStatus?']).toMatchObject({ Type: 'Choice', Default: 'WaitForScan' });
      expect(states.StartFollowUp).toMatchObject({ Next: 'Debounce' });
      for (const task of ['InitiateScan', 'GetScanStatus', 'CollectReport', 'NotifyResult']) {
        expect(states[task]).toMatchObject({
          Type: 'Task',
          Retry: expect.arrayContaining([
            expect.objectContaining({ ErrorEquals: expect.arrayContaining(['Lambda.ServiceException']) }),
            expect.objectContaining({ ErrorEquals: expect.arrayContaining(['RateLimitedError', 'ServerError', 'BusyError']) }),
          ]),
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'NotifyFailure' }],
        });
      }
      expect(states.NotifyFailure).toMatchObject({ Parameters: { mode: 'failure', 'state.$': '$' }, Next: 'FollowUp?' });
      // Every task is idempotent (InitiateScan recovers the job a lost reply started), so every task
      // retries a garbled reply and an invocation that died after its call.
      const retries = (task: string, error: string) =>
        ((states[task]?.Retry ?? []) as Array<{ ErrorEquals: string[] }>).some((retry) => retry.ErrorEquals.includes(error));
      const tasks = ['InitiateScan', 'GetScanStatus', 'CollectReport', 'NotifyResult'];
      expect(tasks.filter((task) => retries(task, 'ResponseShapeError'))).toEqual(tasks);
      expect(tasks.filter((task) => retries(task, 'Lambda.Unknown') && retries(task, 'Sandbox.Timedout'))).toEqual(tasks);
    });
  });

  describe('least privilege', () => {
    it('limits each function to its own table key prefixes', () => {
      const { stack, workflow, template } = scanStack();
      const prefixes = (fn: keyof PostDeployScanWorkflow['functions']) =>
        statementsOf(template, logicalId(stack, workflow.functions[fn].executionRole))
          .filter((statement) => [statement.Action].flat().includes('dynamodb:GetItem'))
          .map((statement) => (statement.Condition as { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': string[] } })['ForAllValues:StringLike']['dynamodb:LeadingKeys']);

      expect(prefixes('scanRequest')).toEqual([['scanwin#*', 'deploy#*', 'idem#*']]);
      expect(prefixes('initiateScan')).toEqual([['scanwin#*', 'scanhist#*', 'token#*']]);
      expect(prefixes('getScanStatus')).toEqual([['token#*']]);
      expect(prefixes('collectReport')).toEqual([['scanwin#*', 'scanhist#*', 'token#*']]);
      expect(prefixes('notifyScan')).toEqual([['scanwin#*', 'idem#*']]);
    });

    it('lets only the ZCSPM-facing functions read the ZCSPM secret, and reads Slack only when Slack is on', () => {
      const { stack, workflow, template } = scanStack({ notifications: { slack: { enabled: true } } });
      const secretsRead = (fn: keyof PostDeployScanWorkflow['functions']) =>
        statementsOf(template, logicalId(stack, workflow.functions[fn].executionRole))
          .filter((statement) => [statement.Action].flat().includes('secretsmanager:GetSecretValue'))
          .map((statement) => JSON.stringify(statement.Resource));
      const zcspm = logicalId(stack, stack.secrets.zcspm);
      const slack = logicalId(stack, stack.secrets.slack);

      for (const fn of ['initiateScan', 'getScanStatus', 'collectReport'] as const) {
        expect(secretsRead(fn)).toEqual([expect.stringContaining(zcspm)]);
      }
      expect(secretsRead('notifyScan')).toEqual([expect.stringContaining(slack)]);
      expect(secretsRead('scanRequest')).toEqual([expect.stringContaining(slack)]);
    });

    it('lets ScanRequest start only this state machine', () => {
      const { stack, workflow, template } = scanStack();

      const start = statementsOf(template, logicalId(stack, workflow.functions.scanRequest.executionRole)).filter((statement) =>
        [statement.Action].flat().includes('states:StartExecution'),
      );

      expect(start).toEqual([expect.objectContaining({ Resource: { Ref: logicalId(stack, workflow.stateMachine) } })]);
    });
  });

  describe('cdk-nag', () => {
    it('has no unacknowledged AwsSolutions or Serverless finding', () => {
      const { stack } = scanStack({ notifications: { slack: { enabled: true }, eventBridge: { enabled: true } } });

      expect(nagFindings(stack)).toEqual([]);
    });
  });

  describe('account mappings at organization scale', () => {
    const thousand = Object.fromEntries(
      Array.from({ length: 1000 }, (_, index) => [String(300000000000 + index), { zcspmAccountId: `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`, name: `member-${index}` }]),
    );

    it('synthesizes 1,000 mappings with a ScanRequest environment far below 4 KB, cdk-nag clean', () => {
      const { stack, workflow, template } = scanStack({ accountMappings: thousand, organizationId: 'o-a1b2c3d4e5' });

      const variables = (template.toJSON().Resources[logicalId(stack, workflow.functions.scanRequest)] as { Properties: { Environment: { Variables: Record<string, unknown> } } })
        .Properties.Environment.Variables;
      expect(variables.ACCOUNT_MAPPINGS_FILE).toBe('account-mappings.json');
      expect(variables.ACCOUNT_MAPPINGS).toBeUndefined();
      // Unresolved intrinsics serialize longer than the ARNs they become: an upper bound.
      expect(Buffer.byteLength(JSON.stringify(variables))).toBeLessThan(4096);
      expect(nagFindings(stack)).toEqual([]);
    });

    it('keeps a small mapping inline for local runs, next to the file name', () => {
      const { stack, workflow, template } = scanStack({ accountMappings: { '111122223333': '11111111-2222-4333-8444-555555555555' } });

      const variables = (template.toJSON().Resources[logicalId(stack, workflow.functions.scanRequest)] as { Properties: { Environment: { Variables: Record<string, unknown> } } })
        .Properties.Environment.Variables;

      expect(variables).toMatchObject({ ACCOUNT_MAPPINGS_FILE: 'account-mappings.json', ACCOUNT_MAPPINGS: '{"111122223333":"11111111-2222-4333-8444-555555555555"}' });
    });
  });
});
