import { Duration, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DeadLetterQueue } from '../../../lib/constructs/dead-letter-queue.js';
import { OperationsAlarms, monitoredResources } from '../../../lib/constructs/operations-alarms.js';
import { TeamFunction } from '../../../lib/constructs/team-function.js';
import { StandardStateMachine } from '../../../lib/constructs/workflow-defaults.js';
import { FIXTURE_HANDLER, nagFindings, newIntegrationStack, newStack, templateOf } from '../support.js';

function ref(stack: Stack, construct: { node: { defaultChild?: unknown } }): { Ref: string } {
  return { Ref: stack.getLogicalId(construct.node.defaultChild as CfnElement) };
}

function newFunction(stack: Stack, id: string): TeamFunction {
  return new TeamFunction(stack, id, { entry: FIXTURE_HANDLER, description: `test function ${id}`, invocation: 'sync' });
}

function newStateMachine(stack: Stack, id: string): sfn.StateMachine {
  return new StandardStateMachine(stack, id, { definition: new sfn.Pass(stack, `${id}Start`), timeout: Duration.hours(1) }).stateMachine;
}

describe('OperationsAlarms', () => {
  describe('constructor', () => {
    it('alarms on failed, timed-out and aborted executions of each state machine, to the topic, recovery included', () => {
      const stack = newStack();
      const topic = new sns.Topic(stack, 'Topic');
      const stateMachine = newStateMachine(stack, 'Scan');

      new OperationsAlarms(stack, 'Alarms', { topic, stateMachines: [stateMachine] });

      const template = templateOf(stack);
      template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
      for (const metricName of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted']) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/States',
          MetricName: metricName,
          Dimensions: [{ Name: 'StateMachineArn', Value: ref(stack, stateMachine) }],
          Statistic: 'Sum',
          Period: 300,
          Threshold: 1,
          EvaluationPeriods: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
          TreatMissingData: 'notBreaching',
          AlarmActions: [ref(stack, topic)],
          OKActions: [ref(stack, topic)],
        });
      }
    });

    it('alarms on repeated errors and on any throttle of each function', () => {
      const stack = newStack();
      const topic = new sns.Topic(stack, 'Topic');
      const fn = newFunction(stack, 'ScanRequest');

      new OperationsAlarms(stack, 'Alarms', { topic, functions: [fn] });

      const template = templateOf(stack);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: ref(stack, fn) }],
        Threshold: 3,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [ref(stack, topic)],
      });
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: 'Throttles',
        Dimensions: [{ Name: 'FunctionName', Value: ref(stack, fn) }],
        Threshold: 1,
        AlarmActions: [ref(stack, topic)],
      });
    });

    it('gives a flow-control function a throttle alarm but no error alarm', () => {
      const stack = newStack();
      const topic = new sns.Topic(stack, 'Topic');
      const slots = newFunction(stack, 'AcquireTraceSlot');

      new OperationsAlarms(stack, 'Alarms', { topic, functions: [slots], flowControlFunctions: [slots] });

      const template = templateOf(stack);
      template.resourceCountIs('AWS::CloudWatch::Alarm', 1);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Throttles' });
    });

    it('alarms as soon as one message is visible in a dead-letter queue', () => {
      const stack = newStack();
      const topic = new sns.Topic(stack, 'Topic');
      const dlq = new DeadLetterQueue(stack, 'Dlq', { purpose: 'test events' });

      new OperationsAlarms(stack, 'Alarms', { topic, deadLetterQueues: [dlq.queue] });

      templateOf(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [stack.getLogicalId(dlq.queue.node.defaultChild as CfnElement), 'QueueName'] } }],
        Statistic: 'Maximum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [ref(stack, topic)],
        AlarmDescription: Match.stringLikeRegexp('docs/operations/dlq-redrive.md'),
      });
    });

    it('alarms on any 5xx answer of the webhook API', () => {
      const stack = newStack();
      const topic = new sns.Topic(stack, 'Topic');
      const api = new apigwv2.HttpApi(stack, 'Webhook');

      new OperationsAlarms(stack, 'Alarms', { topic, webhookApis: [api] });

      templateOf(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/ApiGateway',
        MetricName: '5xx',
        Dimensions: [{ Name: 'ApiId', Value: { Ref: stack.getLogicalId(api.node.defaultChild as CfnElement) } }],
        Threshold: 1,
        AlarmActions: [ref(stack, topic)],
      });
    });

    it('leaves out the recovery action when asked and honours the period and the error threshold', () => {
      const stack = newStack();
      const topic = new sns.Topic(stack, 'Topic');
      const fn = newFunction(stack, 'Fn');

      new OperationsAlarms(stack, 'Alarms', { topic, functions: [fn], notifyOnRecovery: false, period: Duration.minutes(1), functionErrorThreshold: 10 });

      const template = templateOf(stack);
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Period: 60, Threshold: 10, OKActions: Match.absent() });
    });

    it('refuses an error threshold below 1', () => {
      const stack = newStack();
      const topic = new sns.Topic(stack, 'Topic');

      const create = () => new OperationsAlarms(stack, 'Alarms', { topic, functionErrorThreshold: 0 });

      expect(create).toThrow(/functionErrorThreshold must be a positive integer/);
    });

    it('leaves no unacknowledged cdk-nag finding', () => {
      const stack = newStack();
      const topic = new sns.Topic(stack, 'Topic');
      const alarms = new OperationsAlarms(stack, 'Alarms', {
        topic,
        stateMachines: [newStateMachine(stack, 'Scan')],
        functions: [newFunction(stack, 'Fn')],
        deadLetterQueues: [new DeadLetterQueue(stack, 'Dlq', { purpose: 'test events' }).queue],
      });

      const findings = nagFindings(alarms);

      expect(findings).toEqual([]);
    });
  });
});

describe('monitoredResources', () => {
  it('finds every state machine, team function and dead-letter queue of the integration stack', () => {
    const stack = newIntegrationStack();

    const found = monitoredResources(stack);

    expect(found.stateMachines).toContain(stack.postDeployScan.stateMachine);
    expect(found.functions).toEqual(expect.arrayContaining(Object.values(stack.postDeployScan.functions)));
    expect(found.deadLetterQueues).toContain(stack.postDeployScan.deadLetterQueue.queue);
  });

  it('gives the integration stack one alarm per watched signal', () => {
    const stack = newIntegrationStack();

    const found = monitoredResources(stack);

    // AcquireTraceSlot is flow control: its BusyError is normal waiting, so it has no Errors alarm.
    const flowControlFunctions = 1;
    const expected =
      3 * found.stateMachines.length + 2 * found.functions.length - flowControlFunctions + found.deadLetterQueues.length + found.webhookApis.length;
    templateOf(stack).resourceCountIs('AWS::CloudWatch::Alarm', expected);
  });
});
