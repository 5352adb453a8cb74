/**
 * ManualTrace: an EventBridge event (`detail: { deviceId, appId }` or `{ alertId }`) starts an
 * "AlertDiagnostics" execution. A bad event fails the invocation with a message naming the field,
 * so it lands in the failure queue where an operator sees it.
 */
import { asLog, createLogger } from '../../core/observability/logger.js';
import { withMiddleware } from '../../core/observability/middleware.js';
import { handleManualTrigger, type ManualTriggerResult } from '../steps/manual-trigger.js';
import { executionStarter } from '../wiring.js';

const logger = createLogger({ persistentKeys: { pipeline: 'diagnostics' } });
const log = asLog(logger);

export const handler = withMiddleware(
  async (event: unknown): Promise<ManualTriggerResult> => {
    const result = await handleManualTrigger(event, { executions: executionStarter() });
    log.info('manual diagnostics started', { executionName: result.executionName, alreadyStarted: result.alreadyStarted });
    return result;
  },
  { logger },
);
