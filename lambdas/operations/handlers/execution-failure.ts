/**
 * ExecutionFailure (EventBridge rule on Step Functions execution status changes, asynchronous):
 * notifies a FAILED, TIMED_OUT or ABORTED PostDeployScan / AlertDiagnostics execution that the
 * workflow could not notify itself. Dependencies are built on first use and reused while warm.
 */
import { asLog, createLogger } from '../../core/observability/logger.js';
import { withMiddleware } from '../../core/observability/middleware.js';
import {
  EXECUTION_FAILURE_SETTINGS_ENV,
  notifyExecutionFailure,
  parseExecutionFailureSettings,
  type ExecutionFailureOutcome,
} from '../execution-failure.js';
import { notificationRouter } from '../../notify/wiring.js';
import { callOptions, dynamo, once, secrets, tableName } from '../../core/wiring.js';

const logger = createLogger({ persistentKeys: { step: 'ExecutionFailure' } });
const log = asLog(logger);

const settings = once(() => parseExecutionFailureSettings(process.env[EXECUTION_FAILURE_SETTINGS_ENV]));
const delivery = notificationRouter({ dynamo, tableName, secrets, log });

export const handler = withMiddleware<unknown, ExecutionFailureOutcome>(
  async (event, context) => notifyExecutionFailure(event, { delivery, settings: settings(), log, call: callOptions(context) }),
  {
    logger,
    correlationIds: (event) => {
      const change = (event ?? {}) as { id?: unknown; detail?: { name?: unknown } };
      return {
        eventId: typeof change.id === 'string' ? change.id : undefined,
        executionName: typeof change.detail?.name === 'string' ? change.detail.name : undefined,
      };
    },
  },
);
