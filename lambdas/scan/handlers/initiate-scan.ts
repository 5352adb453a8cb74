/**
 * InitiateScan (PostDeployScan task): close the window to new deployments, start the ZCSPM scan
 * (or find the one a previous attempt started), plan the first status check.
 */
import { asLog, createLogger } from '../../core/observability/logger.js';
import { withMiddleware } from '../../core/observability/middleware.js';
import { initiateScan } from '../steps/initiate-scan.js';
import { InitiateInputSchema, type ScanState } from '../domain/workflow-state.js';
import { callOptions, parseStepInput } from '../../core/wiring.js';
import { historyStore, scanCorrelationIds, scanSettings, windowStore } from '../wiring.js';
import { zcspmClient } from '../zcspm-wiring.js';

const logger = createLogger({ persistentKeys: { pipeline: 'scan', step: 'InitiateScan' } });
const log = asLog(logger);

export const handler = withMiddleware<unknown, ScanState>(
  async (event, context) => {
    const input = parseStepInput(InitiateInputSchema, event, 'InitiateScan');
    return initiateScan(input.window, {
      windows: windowStore(),
      history: historyStore(),
      zcspm: await zcspmClient(),
      settings: scanSettings(),
      log,
      call: callOptions(context),
    });
  },
  { logger, correlationIds: scanCorrelationIds },
);
