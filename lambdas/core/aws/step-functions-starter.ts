/**
 * {@link ExecutionStarter} on the Step Functions API. The state machine's ARN is read from the
 * environment and the SDK client loaded on the first start, so a function that starts nothing (a
 * test webhook, an unmapped account) pays for neither.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import * as z from 'zod';
import { readEnv } from '../config.js';
import type { ExecutionStarter } from '../ports.js';
import { StateMachineArn, executionArnOf } from './arns.js';

/** Starts executions of the state machine whose ARN is in the environment variable `arnVariable`. */
export class StepFunctionsExecutionStarter<Input = unknown> implements ExecutionStarter<Input> {
  readonly #arnVariable: string;
  #stateMachineArn: string | undefined;
  #sdk: Promise<typeof import('@aws-sdk/client-sfn')> | undefined;
  #client: SFNClient | undefined;

  constructor(arnVariable: string) {
    this.#arnVariable = arnVariable;
  }

  async start(name: string, input: Input): Promise<{ executionArn: string; alreadyStarted: boolean }> {
    const arn = (this.#stateMachineArn ??= readEnv(z.object({ [this.#arnVariable]: StateMachineArn }))[this.#arnVariable] as string);
    const { SFNClient: Client, StartExecutionCommand } = await (this.#sdk ??= import('@aws-sdk/client-sfn'));
    this.#client ??= new Client({});
    try {
      const output = await this.#client.send(new StartExecutionCommand({ stateMachineArn: arn, name, input: JSON.stringify(input) }));
      return { executionArn: output.executionArn ?? executionArnOf(arn, name), alreadyStarted: false };
    } catch (error) {
      // Standard workflows: the same name with the same input while running succeeds above; a
      // closed execution or another input raises this. Either way the execution exists.
      if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return { executionArn: executionArnOf(arn, name), alreadyStarted: true };
      throw error;
    }
  }
}
