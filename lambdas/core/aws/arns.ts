/** The Step Functions ARNs the functions read from their environment and from EventBridge events. */
import * as z from 'zod';

/** `arn:<partition>:states:<region>:<account>:`, the start of every Step Functions ARN. */
const STATES = String.raw`^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:`;

/** A state machine ARN, optionally qualified by a version or alias (StartExecution accepts both). */
export const StateMachineArn = z.string().regex(new RegExp(`${STATES}stateMachine:[^:]+(?::[^:]+)?$`), 'expected a Step Functions state machine ARN');

/** An execution ARN: `...:execution:<state machine>:<name>`. */
export const ExecutionArn = z.string().regex(new RegExp(`${STATES}execution:[^:]+:[^:]+$`), 'expected a Step Functions execution ARN');

/** `arn:...:stateMachine:<sm>` + name -> `arn:...:execution:<sm>:<name>`. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}
