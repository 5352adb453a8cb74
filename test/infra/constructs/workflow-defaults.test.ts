import { Duration, type CfnElement, type Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { ErrorName, LAMBDA_CRASH_ERRORS, LAMBDA_SERVICE_ERRORS, RETRYABLE_ERROR_NAMES } from '../../../lambdas/core/errors.js';
import { TeamFunction } from '../../../lib/constructs/team-function.js';
import { TelemetryPolicies } from '../../../lib/constructs/telemetry-policies.js';
import { StandardStateMachine, invokeLambda, withStandardErrorHandling } from '../../../lib/constructs/workflow-defaults.js';
import { FIXTURE_HANDLER, newStack, templateOf } from '../support.js';

interface AslState {
  readonly Type: string;
  readonly Retry?: Array<Record<string, unknown>>;
  readonly Catch?: Array<Record<string, unknown>>;
  readonly Iterator?: { States: Record<string, AslState> };
  readonly ItemProcessor?: { States: Record<string, AslState> };
}
interface Asl {
  readonly StartAt: string;
  readonly States: Record<string, AslState>;
  readonly TimeoutSeconds?: number;
  readonly QueryLanguage?: string;
}

/** The state machine's definition with every CloudFormation token replaced by a placeholder ARN. */
function definitionOf(stack: Stack): Asl {
  const machines = templateOf(stack).findResources('AWS::StepFunctions::StateMachine');
  const [machine] = Object.values(machines) as Array<{ Properties: { DefinitionString: { 'Fn::Join': [string, unknown[]] } } }>;
  const [, parts] = (machine as NonNullable<typeof machine>).Properties.DefinitionString['Fn::Join'];
  return JSON.parse(parts.map((part) => (typeof part === 'string' ? part : 'arn:aws:lambda:eu-west-1:111122223333:function:placeholder')).join('')) as Asl;
}

function arrange(stack: Stack) {
  const fn = new TeamFunction(stack, 'Step', { entry: FIXTURE_HANDLER, description: 'a workflow step', invocation: 'sync' });
  const failure = new sfn.Pass(stack, 'NotifyFailure');
  const task = withStandardErrorHandling(invokeLambda(stack, 'DoWork', { lambdaFunction: fn, payloadResponseOnly: true }), failure);
  return { fn, failure, task };
}

const STANDARD_RETRY = [
  { ErrorEquals: [...LAMBDA_SERVICE_ERRORS], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, JitterStrategy: 'FULL' },
  { ErrorEquals: [...LAMBDA_CRASH_ERRORS], IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2, JitterStrategy: 'FULL' },
  { ErrorEquals: [...RETRYABLE_ERROR_NAMES], IntervalSeconds: 5, MaxAttempts: 4, BackoffRate: 2, MaxDelaySeconds: 60, JitterStrategy: 'FULL' },
  { ErrorEquals: [ErrorName.ResponseShape], IntervalSeconds: 10, MaxAttempts: 2, BackoffRate: 2, JitterStrategy: 'FULL' },
  { ErrorEquals: [ErrorName.Authentication], IntervalSeconds: 10, MaxAttempts: 4, BackoffRate: 2, JitterStrategy: 'FULL' },
];

describe('StandardStateMachine', () => {
  describe('constructor', () => {
    it('creates a Standard JSONPath state machine with an overall timeout, logging ALL and X-Ray', () => {
      const stack = newStack();
      const { task } = arrange(stack);

      const workflow = new StandardStateMachine(stack, 'Workflow', { definition: task, timeout: Duration.minutes(90) });

      const template = templateOf(stack);
      template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineType: 'STANDARD',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: {
          Level: 'ALL',
          IncludeExecutionData: true,
          Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [stack.getLogicalId(workflow.logGroup.node.defaultChild as CfnElement), 'Arn'] } } }],
        },
      });
      expect(definitionOf(stack)).toMatchObject({ TimeoutSeconds: 5400, QueryLanguage: 'JSONPath' });
    });

    it('logs to a vended-logs group with the given retention', () => {
      const stack = newStack();
      const { task } = arrange(stack);

      new StandardStateMachine(stack, 'Workflow', { definition: task, timeout: Duration.hours(1), logRetention: 14 });

      const [group] = Object.values(templateOf(stack).findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 14 } })) as Array<{
        Properties: { LogGroupName: string };
      }>;
      expect(group?.Properties.LogGroupName).toMatch(/^\/aws\/vendedlogs\/states\/TestStack-Workflow-[A-Za-z0-9]+$/);
    });

    it('takes its telemetry permissions from the shared policy, not from its own role policy', () => {
      const stack = newStack();
      const { task } = arrange(stack);

      const workflow = new StandardStateMachine(stack, 'Workflow', { definition: task, timeout: Duration.hours(1) });

      const roleId = stack.getLogicalId(workflow.stateMachine.role.node.defaultChild as CfnElement);
      const template = templateOf(stack);
      template.hasResourceProperties('AWS::IAM::Role', {
        ManagedPolicyArns: [{ Ref: stack.getLogicalId(TelemetryPolicies.of(stack).stateMachineTelemetry.node.defaultChild as CfnElement) }],
      });
      const rolePolicies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } });
      expect(JSON.stringify(rolePolicies)).not.toMatch(/xray:|logs:/);
      expect(JSON.stringify(rolePolicies)).toContain('lambda:InvokeFunction');
    });
  });
});

describe('withStandardErrorHandling', () => {
  it('adds the Lambda service and crash retries, the retries on our retryable error names on a garbled reply and on a 401 that outlasted fresh tokens, and a catch-all to the failure state', () => {
    const stack = newStack();
    const { task } = arrange(stack);

    new StandardStateMachine(stack, 'Workflow', { definition: task, timeout: Duration.hours(1) });

    expect(definitionOf(stack).States.DoWork).toMatchObject({
      Retry: STANDARD_RETRY,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'NotifyFailure' }],
    });
  });

  it('takes the retry limits and error path from options, and works on a Map state', () => {
    const stack = newStack();
    const { fn, failure } = arrange(stack);
    const map = new sfn.Map(stack, 'PerDevice', { itemsPath: '$.devices', maxConcurrency: 10 });
    map.itemProcessor(invokeLambda(stack, 'TraceDevice', { lambdaFunction: fn }));

    withStandardErrorHandling(map, failure, { errorPath: '$.failure', retryMaxAttempts: 2, retryInterval: Duration.seconds(30), retryMaxDelay: Duration.minutes(5) });
    new StandardStateMachine(stack, 'Workflow', { definition: map, timeout: Duration.hours(1) });

    expect(definitionOf(stack).States.PerDevice).toMatchObject({
      Retry: [STANDARD_RETRY[0], STANDARD_RETRY[1], { ...STANDARD_RETRY[2], IntervalSeconds: 30, MaxAttempts: 2, MaxDelaySeconds: 300 }, STANDARD_RETRY[3], STANDARD_RETRY[4]],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'NotifyFailure' }],
    });
  });
});

describe('invokeLambda', () => {
  it('adds no retry of its own, so the standard one is not doubled', () => {
    const stack = newStack();
    const { fn } = arrange(stack);

    const task = invokeLambda(stack, 'Bare', { lambdaFunction: fn });
    new StandardStateMachine(stack, 'Workflow', { definition: task, timeout: Duration.hours(1) });

    expect(definitionOf(stack).States.Bare?.Retry).toBeUndefined();
  });
});
