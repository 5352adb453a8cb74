import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { ConfigError } from '../../../../lambdas/core/errors.js';
import { StepFunctionsExecutionStarter } from '../../../../lambdas/core/aws/step-functions-starter.js';

const STATE_MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:PostDeployScan';
const VARIABLE = 'TEST_STATE_MACHINE_ARN';
const sfn = mockClient(SFNClient);

describe('StepFunctionsExecutionStarter', () => {
  beforeEach(() => {
    sfn.reset();
    process.env[VARIABLE] = STATE_MACHINE;
  });
  afterAll(() => {
    delete process.env[VARIABLE];
    sfn.restore();
  });

  it('starts an execution of the state machine in the environment, named, with the input as JSON', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:w-1`, startDate: new Date() });

    const started = await new StepFunctionsExecutionStarter(VARIABLE).start('w-1', { window: { id: 'w' } });

    expect(started).toEqual({ executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:PostDeployScan:w-1', alreadyStarted: false });
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({ stateMachineArn: STATE_MACHINE, name: 'w-1', input: '{"window":{"id":"w"}}' });
  });

  it('answers alreadyStarted, with the execution ARN, when an execution of that name exists (ExecutionAlreadyExists)', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: "Execution Already Exists: 'w-1'", $metadata: {} }));

    const started = await new StepFunctionsExecutionStarter(VARIABLE).start('w-1', {});

    expect(started).toEqual({ executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:PostDeployScan:w-1', alreadyStarted: true });
  });

  it('rethrows any other failure', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    await expect(new StepFunctionsExecutionStarter(VARIABLE).start('w-1', {})).rejects.toMatchObject({ name: 'ThrottlingException' });
  });

  it('fails with ConfigError naming the variable when it holds no state machine ARN', async () => {
    process.env[VARIABLE] = 'arn:aws:states:eu-west-1:111122223333:execution:PostDeployScan:w-1';

    const outcome = new StepFunctionsExecutionStarter(VARIABLE).start('w-1', {});

    await expect(outcome).rejects.toBeInstanceOf(ConfigError);
    await expect(outcome).rejects.toThrow(`${VARIABLE}: expected a Step Functions state machine ARN`);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});
