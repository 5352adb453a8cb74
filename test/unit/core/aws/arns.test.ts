import { ExecutionArn, StateMachineArn, executionArnOf } from '../../../../lambdas/core/aws/arns.js';

describe('Step Functions ARNs', () => {
  it('accepts state machine ARNs of every partition, with or without a version or alias', () => {
    for (const arn of [
      'arn:aws:states:eu-west-1:111122223333:stateMachine:PostDeployScan',
      'arn:aws-cn:states:cn-north-1:111122223333:stateMachine:PostDeployScan',
      'arn:aws-us-gov:states:us-gov-west-1:111122223333:stateMachine:AlertDiagnostics:live',
    ]) {
      expect(StateMachineArn.safeParse(arn).success).toBe(true);
    }
  });

  it('rejects what is not a state machine ARN', () => {
    for (const arn of [
      'arn:aws:states:eu-west-1:111122223333:execution:PostDeployScan:x',
      'arn:aws:lambda:eu-west-1:111122223333:function:f',
      'arn:aws:states:eu-west-1:1111:stateMachine:PostDeployScan',
      'PostDeployScan',
    ]) {
      expect(StateMachineArn.safeParse(arn).error?.issues[0]?.message).toBe('expected a Step Functions state machine ARN');
    }
  });

  it('accepts execution ARNs and rejects state machine ARNs as executions', () => {
    expect(ExecutionArn.safeParse('arn:aws-cn:states:cn-north-1:111122223333:execution:PostDeployScan:x').success).toBe(true);
    expect(ExecutionArn.safeParse('arn:aws:states:eu-west-1:111122223333:stateMachine:PostDeployScan').error?.issues[0]?.message).toBe(
      'expected a Step Functions execution ARN',
    );
  });

  it('names the execution of a state machine', () => {
    expect(executionArnOf('arn:aws:states:eu-west-1:111122223333:stateMachine:AlertDiagnostics', 'alert-1')).toBe(
      'arn:aws:states:eu-west-1:111122223333:execution:AlertDiagnostics:alert-1',
    );
  });
});
