/**
 * ExecutionFailure (EventBridge rule on Step Functions execution status changes, asynchronous):
 * notifies a FAILED, TIMED_OUT or ABORTED PostDeployScan / AlertDiagnostics execution that the
 * workflow could not notify itself. Dependencies are built on first use and reused while warm.
 */
import * as z from 'zod';
import { EnvVar, readEnv } from '../../core/config.js';
import { asLog, createLogger } from '../../core/observability/logger.js';
import { withMiddleware } from '../../core/observability/middleware.js';
import { createDynamoClient } from '../../core/store/dynamo-client.js';
import {
  EXECUTION_FAILURE_SETTINGS_ENV,
  notifyExecutionFailure,
  parseExecutionFailureSettings,
  type ExecutionFailureOutcome,
} from '../execution-failure.js';
import { notificationRouter } from '../../notify/wiring.js';
import { once, secrets } from '../../core/wiring.js';

const logger = createLogger({ persistentKeys: { step: 'ExecutionFailure' } });
const log = asLog(logger);

const env = once(() =>
  readEnv(
    z.object({
      TABLE_NAME: EnvVar.TABLE_NAME,
      DYNAMODB_ENDPOINT: EnvVar.DYNAMODB_ENDPOINT,
      AWS_REGION: EnvVar.AWS_REGION,
    }),
  ),
);
const settings = once(() => parseExecutionFailureSettings(process.env[EXECUTION_FAILURE_SETTINGS_ENV]));
const delivery = notificationRouter({
  dynamo: once(() => createDynamoClient({ endpoint: env().DYNAMODB_ENDPOINT, region: env().AWS_REGION })),
  tableName: () => env().TABLE_NAME,
  secrets,
  log,
});

export const handler = withMiddleware<unknown, ExecutionFailureOutcome>(
  async (event, context) => {
    const deadline = Number.isFinite(context.deadline) ? { deadline: context.deadline } : {};
    return notifyExecutionFailure(event, { delivery, settings: settings(), log, call: { signal: context.signal, ...deadline } });
  },
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
