import { Match, Template } from 'aws-cdk-lib/assertions';
import type { ZsaConfigInput } from '../../../lib/settings/schema.js';
import { AlertDiagnosticsWorkflow, MANUAL_TRIGGER_DETAIL_TYPE, MANUAL_TRIGGER_SOURCE } from '../../../lib/constructs/alert-diagnostics-workflow.js';
import type { IntegrationStack } from '../../../lib/stacks/integration-stack.js';
import { nagFindings, newIntegrationStack } from '../support.js';

interface Built {
  stack: IntegrationStack;
  workflow: AlertDiagnosticsWorkflow;
  template: Template;
}

const built = new Map<string, Built>();

/** The central stack and its diagnostics workflow, one per configuration. */
function diagnosticsStack(overrides: Partial<ZsaConfigInput> = {}): Built {
  const key = JSON.stringify(overrides);
  const cached = built.get(key);
  if (cached) return cached;
  const stack = newIntegrationStack(overrides);
  const result = { stack, workflow: stack.alertDiagnostics, template: Template.fromStack(stack) };
  built.set(key, result);
  return result;
}

function logicalId(stack: IntegrationStack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId((construct.node.defaultChild ?? construct) as Parameters<IntegrationStack['getLogicalId']>[0]);
}

type State = Record<string, unknown> & { ItemProcessor?: { States: Record<string, State> }; Branches?: Array<{ StartAt: string; States: Record<string, State> }> };

/** The deep-trace Map: the first branch of TraceAndLook. */
function traceDevicesOf(definition: { States: Record<string, State> }): State {
  const map = definition.States.TraceAndLook?.Branches?.[0]?.States.TraceDevices;
  if (!map) throw new Error('no TraceDevices Map in the first branch of TraceAndLook');
  return map;
}

function definitionOf({ stack, workflow }: Built): { TimeoutSeconds: number; States: Record<string, State> } {
  const definition = stack.resolve((workflow.stateMachine.node.defaultChild as unknown as { definitionString: unknown }).definitionString) as {
    'Fn::Join': [string, unknown[]];
  };
  return JSON.parse(definition['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'arn:placeholder')).join('')) as {
    TimeoutSeconds: number;
    States: Record<string, State>;
  };
}

function statementsOf(template: Template, roleLogicalId: string): Array<{ Action: string | string[]; Resource: unknown; Condition?: unknown }> {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: Match.arrayWith([{ Ref: roleLogicalId }]) } });
  return Object.values(policies).flatMap((policy) => (policy as { Properties: { PolicyDocument: { Statement: never[] } } }).Properties.PolicyDocument.Statement);
}

describe('AlertDiagnosticsWorkflow', () => {
  describe('webhook endpoint', () => {
    it('is an HTTP API route to AlertIntake with stage throttling and JSON access logs', () => {
      const { template } = diagnosticsStack({ webhook: { throttle: { rate: 7, burst: 14 } } });

      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'ANY /zdx/alerts' });
      template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
        StageName: '$default',
        AutoDeploy: true,
        DefaultRouteSettings: { ThrottlingRateLimit: 7, ThrottlingBurstLimit: 14 },
        AccessLogSettings: Match.objectLike({ Format: Match.stringLikeRegexp('"status":"\\$context.status"') }),
      });
    });

    it('gives AlertIntake only the alert records, the webhook secret and this state machine', () => {
      const built = diagnosticsStack();
      const { stack, workflow, template } = built;
      const statements = statementsOf(template, logicalId(stack, workflow.functions.alertIntake.executionRole));

      expect(statements.filter((statement) => [statement.Action].flat().includes('states:StartExecution'))).toEqual([
        expect.objectContaining({ Resource: { Ref: logicalId(stack, workflow.stateMachine as never) } }),
      ]);
      expect(statements.filter((statement) => [statement.Action].flat().includes('secretsmanager:GetSecretValue')).map((statement) => JSON.stringify(statement.Resource))).toEqual([
        expect.stringContaining(logicalId(stack, stack.secrets.webhook as never)),
      ]);
    });
  });

  describe('state machine', () => {
    it('is a Standard state machine with logging ALL, X-Ray and an overall timeout', () => {
      const built = diagnosticsStack();

      built.template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineType: 'STANDARD',
        LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
        TracingConfiguration: { Enabled: true },
      });
      expect(definitionOf(built).TimeoutSeconds).toBeGreaterThanOrEqual(2 * 3600);
    });

    it('fans out with MaxConcurrency and waits for a slot with backoff on BusyError, reporting the device as capped when none frees up', () => {
      const definition = definitionOf(diagnosticsStack({ diagnostics: { mapConcurrency: 12 } }));
      const map = traceDevicesOf(definition);
      const iteration = map.ItemProcessor!.States;

      expect(map).toMatchObject({ Type: 'Map', MaxConcurrency: 12, ItemsPath: '$.resolved.devices', ResultPath: '$.runs', OutputPath: '$.runs' });
      expect(definition.States.TraceAndLook).toMatchObject({ Type: 'Parallel', Catch: [expect.objectContaining({ Next: 'NotifyFailure' })] });
      expect(iteration.AcquireTraceSlot?.Retry).toEqual(
        expect.arrayContaining([expect.objectContaining({ ErrorEquals: ['BusyError'], BackoffRate: 1.5, MaxDelaySeconds: 120, JitterStrategy: 'FULL' })]),
      );
      expect(iteration.AcquireTraceSlot?.Catch).toEqual([
        { ErrorEquals: ['BusyError'], ResultPath: '$.error', Next: 'DeviceCapped' },
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'ReleaseAfterError' },
      ]);
    });

    it('waits the session, polls, collects and always releases the slot, catching every device failure inside the iteration', () => {
      const iteration = traceDevicesOf(definitionOf(diagnosticsStack())).ItemProcessor!.States;

      expect(iteration.WaitForSession).toMatchObject({ Type: 'Wait', SecondsPath: '$.trace.waitSeconds', Next: 'GetTraceStatus' });
      expect(iteration['TraceStatus?']).toMatchObject({ Type: 'Choice' });
      expect(iteration.WaitForPoll).toMatchObject({ SecondsPath: '$.status.pollSeconds', Next: 'GetTraceStatus' });
      expect(iteration.CollectTraceResults).toMatchObject({ Next: 'ReleaseTraceSlot' });
      for (const task of ['StartDeepTrace', 'GetTraceStatus', 'CollectTraceResults']) {
        expect(iteration[task]?.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'ReleaseAfterError' }]);
      }
      for (const release of ['ReleaseTraceSlot', 'ReleaseAfterTraceEnded', 'ReleaseWithoutTrace']) {
        expect(iteration[release]).toMatchObject({ Type: 'Task', ResultPath: null });
      }
      expect(iteration.ReleaseAfterError).toMatchObject({ End: true });
      expect(iteration.ReleaseAfterError?.ResultPath).toBeUndefined();
      // Every Zscaler task is idempotent (StartDeepTrace finds the trace a lost reply started by its
      // session name), so each retries a garbled reply and an invocation that died after its call.
      const retries = (task: string, error: string) => ((iteration[task]?.Retry ?? []) as Array<{ ErrorEquals: string[] }>).some((retry) => retry.ErrorEquals.includes(error));
      const tasks = ['StartDeepTrace', 'GetTraceStatus', 'CollectTraceResults'];
      expect(tasks.filter((task) => retries(task, 'ResponseShapeError'))).toEqual(tasks);
      expect([...tasks, 'AcquireTraceSlot'].filter((task) => retries(task, 'Lambda.Unknown') && retries(task, 'Sandbox.Timedout'))).toEqual([...tasks, 'AcquireTraceSlot']);
    });

    it('diagnoses, notifies, and routes every other failure to NotifyFailure', () => {
      const { States: states } = definitionOf(diagnosticsStack());

      expect(states.ResolveDevices).toMatchObject({ Next: 'FirstLook', Catch: [expect.objectContaining({ Next: 'NotifyFailure' })] });
      expect(states.Diagnose).toMatchObject({ Next: 'NotifyResult', Catch: [expect.objectContaining({ Next: 'NotifyFailure' })] });
      expect(states.NotifyResult).toMatchObject({ Next: 'Done' });
      expect(states.NotifyFailure).toMatchObject({ Next: 'DiagnosticsFailed' });
    });

    it('takes a first look and notifies it before the deep traces, looks at the other devices beside them, and never fails the alert for it', () => {
      const { States: states } = definitionOf(diagnosticsStack());

      expect(states.FirstLook).toMatchObject({
        Type: 'Task',
        ResultPath: '$.firstLook',
        Next: 'NotifyFirstLook',
        Parameters: { 'resolved.$': '$.resolved', 'executionName.$': '$$.Execution.Name', 'executionStartedAt.$': '$$.Execution.StartTime' },
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.firstLookError', Next: 'FirstLookUnavailable' }],
      });
      expect(states.FirstLookUnavailable).toMatchObject({ Type: 'Pass', ResultPath: '$.firstLook', Result: { looks: [], remaining: [], done: true, slices: 0 }, Next: 'TraceAndLook' });
      expect(states.NotifyFirstLook).toMatchObject({
        ResultPath: null,
        Next: 'TraceAndLook',
        Parameters: { firstLook: { 'resolved.$': '$.resolved', 'progress.$': '$.firstLook' }, 'executionId.$': '$$.Execution.Id' },
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.firstLookNotifyError', Next: 'TraceAndLook' }],
      });
      const parallel = states.TraceAndLook!;
      expect(parallel).toMatchObject({ Type: 'Parallel', ResultSelector: { 'runs.$': '$[0]', 'firstLook.$': '$[1]' }, ResultPath: '$.traced', Next: 'Diagnose' });
      const looking = parallel.Branches![1]!;
      expect(looking.StartAt).toBe('FirstLookDone?');
      expect(looking.States['FirstLookDone?']).toMatchObject({ Type: 'Choice', Choices: [{ Variable: '$.firstLook.done', BooleanEquals: true, Next: 'FirstLookEnd' }], Default: 'FirstLookMore' });
      expect(looking.States.FirstLookMore).toMatchObject({
        ResultPath: '$.firstLook',
        Next: 'FirstLookDone?',
        Parameters: expect.objectContaining({ 'progress.$': '$.firstLook' }),
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.firstLookError', Next: 'FirstLookEnd' }],
      });
      expect(looking.States.FirstLookEnd).toMatchObject({ Type: 'Pass', OutputPath: '$.firstLook', End: true });
      expect(states.Diagnose).toMatchObject({ Parameters: expect.objectContaining({ 'runs.$': '$.traced.runs', 'firstLook.$': '$.traced.firstLook' }) });
    });

    it('refuses a per-alert cap whose evidence would not fit in the state data limit', () => {
      expect(() => diagnosticsStack({ diagnostics: { maxDevicesPerAlert: 150 } })).toThrow('zsa.diagnostics.maxDevicesPerAlert: at most 100: each traced device');
    });
  });

  describe('least privilege', () => {
    it('limits each function to its own table key prefixes', () => {
      const { stack, workflow, template } = diagnosticsStack();
      const prefixes = (fn: keyof AlertDiagnosticsWorkflow['functions']) =>
        statementsOf(template, logicalId(stack, workflow.functions[fn].executionRole))
          .filter((statement) => [statement.Action].flat().includes('dynamodb:GetItem'))
          .map((statement) => (statement.Condition as { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': string[] } })['ForAllValues:StringLike']['dynamodb:LeadingKeys']);

      expect(prefixes('alertIntake')).toEqual([['alert#*']]);
      expect(prefixes('resolveDevices')).toEqual([['cooldown#*', 'token#*', 'rate#*']]);
      expect(prefixes('firstLook')).toEqual([['token#*', 'rate#*']]);
      expect(prefixes('acquireTraceSlot')).toEqual([['slots#*']]);
      expect(prefixes('releaseTraceSlot')).toEqual([['slots#*']]);
      for (const fn of ['startDeepTrace', 'getTraceStatus', 'collectTraceResults'] as const) expect(prefixes(fn)).toEqual([['token#*', 'rate#*']]);
      expect(prefixes('notify')).toEqual([['idem#*']]);
      expect(prefixes('diagnose')).toEqual([]);
    });
  });

  describe('manual trigger', () => {
    it('starts runs from zsa DiagnosticsRequested events, with a dead-letter queue', () => {
      const { stack, workflow, template } = diagnosticsStack();

      template.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: { source: [MANUAL_TRIGGER_SOURCE], 'detail-type': [MANUAL_TRIGGER_DETAIL_TYPE] },
        Targets: [Match.objectLike({ DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(stack, workflow.deadLetterQueue.queue as never), 'Arn'] } } })],
      });
    });
  });

  describe('cdk-nag', () => {
    it('has no unacknowledged AwsSolutions or Serverless finding', () => {
      const { stack } = diagnosticsStack({ notifications: { slack: { enabled: true }, eventBridge: { enabled: true } } });

      expect(nagFindings(stack).filter((finding) => finding.path.includes('/AlertDiagnostics/'))).toEqual([]);
    });
  });
});
