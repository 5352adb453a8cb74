/**
 * {@link ExecutionStarter} on the Step Functions API. The SDK client is loaded on the first start,
 * so importing this adapter costs nothing until a deployment opens a scan window.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionStarter } from '../../scan/ports.js';

/** Starts executions of one state machine; a name that already exists counts as "already started". */
export class StepFunctionsExecutionStarter implements ExecutionStarter {
  readonly #stateMachineArn: string;
  #sdk: Promise<typeof import('@aws-sdk/client-sfn')> | undefined;
  #client: SFNClient | undefined;

  constructor(options: { readonly stateMachineArn: string }) {
    this.#stateMachineArn = options.stateMachineArn;
  }

  async start(request: { readonly name: string; readonly input: unknown }): Promise<{ readonly started: boolean }> {
    const { SFNClient: Client, StartExecutionCommand } = await (this.#sdk ??= import('@aws-sdk/client-sfn'));
    this.#client ??= new Client({});
    try {
      await this.#client.send(new StartExecutionCommand({ stateMachineArn: this.#stateMachineArn, name: request.name, input: JSON.stringify(request.input) }));
      return { started: true };
    } catch (error) {
      // Standard workflows: the same name with the same input while running succeeds above; a
      // closed execution or another input raises this. Either way the window's execution exists.
      if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return { started: false };
      throw error;
    }
  }
}
