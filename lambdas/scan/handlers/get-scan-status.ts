/**
 * GetScanStatus (PostDeployScan task): one status check of the running scan, and how long to wait
 * before the next one (adaptive, from the plan InitiateScan made).
 */
import { asLog, createLogger } from '../../core/observability/logger.js';
import { withMiddleware } from '../../core/observability/middleware.js';
import { checkScan } from '../steps/check-scan.js';
import { ScanStepInputSchema, type ScanState } from '../domain/workflow-state.js';
import { callOptions, parseStepInput } from '../../core/wiring.js';
import { scanCorrelationIds, scanSettings } from '../wiring.js';
import { zcspmClient } from '../zcspm-wiring.js';

const logger = createLogger({ persistentKeys: { pipeline: 'scan', step: 'GetScanStatus' } });
const log = asLog(logger);

export const handler = withMiddleware<unknown, ScanState>(
  async (event, context) => {
    const input = parseStepInput(ScanStepInputSchema, event, 'GetScanStatus');
    return checkScan(input.window, input.scan, { zcspm: await zcspmClient(), settings: scanSettings(), log, call: callOptions(context) });
  },
  { logger, correlationIds: scanCorrelationIds },
);
